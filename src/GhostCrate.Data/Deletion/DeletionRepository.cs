using System.Data.Common;
using System.Text.Json;
using Dapper;
using GhostCrate.Core.Deletion;
using GhostCrate.Core.Options;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Deletion;

internal sealed class DeletionRepository(IDbConnectionFactory factory) : IDeletionRepository
{
    public Task<DeletionFacts?> GetFactsAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var crate = await connection.QuerySingleOrDefaultAsync<CrateFactsRow>(new CommandDefinition(
                """
                SELECT c.id AS Id, c.name AS Name, c.created_at AS CreatedAt, c.downloads AS Downloads,
                       (SELECT count(*) FROM crate_owners o WHERE o.crate_id = c.id)
                     + (SELECT count(*) FROM crate_org_owners o WHERE o.crate_id = c.id)
                     + (SELECT count(*) FROM crate_team_owners o WHERE o.crate_id = c.id) AS OwnerCount
                FROM crates c WHERE c.canonical_name = @canonicalName
                """,
                new { canonicalName }, cancellationToken: cancellationToken));
            if (crate is null) return null;
            var versions = await connection.QueryAsync<VersionFactsRow>(new CommandDefinition(
                "SELECT num AS Num, created_at AS CreatedAt, downloads AS Downloads FROM versions WHERE crate_id = @Id ORDER BY id",
                new { crate.Id }, cancellationToken: cancellationToken));
            // Dependencies on this registry are stored with registry NULL (Cargo's publish body); names as written,
            // so compared the way crate names compare ('-' and '_' alike, any case).
            var dependents = await connection.QueryAsync<DependentRow>(new CommandDefinition(
                """
                SELECT c.name AS Crate, v.num AS Version, d.req AS Req
                FROM version_dependencies d JOIN versions v ON v.id = d.version_id JOIN crates c ON c.id = v.crate_id
                WHERE d.registry IS NULL AND replace(lower(d.crate_name), '_', '-') = @canonicalName AND c.id <> @Id
                ORDER BY c.name, v.id
                """,
                new { canonicalName, crate.Id }, cancellationToken: cancellationToken));
            return new DeletionFacts(crate.Name, UnixTime.FromMs(crate.CreatedAt), crate.Downloads, (int)crate.OwnerCount,
                [.. versions.Select(v => new DeletionVersionFacts(v.Num, UnixTime.FromMs(v.CreatedAt), v.Downloads))],
                [.. dependents.Select(d => new ReverseDependency(d.Crate, d.Version, d.Req))]);
        }, cancellationToken);

    public Task<DeletionOutcome?> DeleteAsync(DeletionRequest request, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // The crate row first, like publish and yank, so a racing publish of the same crate waits for this commit
            // and then meets the tombstone.
            var crate = await connection.QuerySingleOrDefaultAsync<CrateNameRow>(new CommandDefinition(
                $"SELECT id AS Id, name AS Name FROM crates WHERE canonical_name = @CanonicalName{factory.LockRowsSuffix}",
                new { request.CanonicalName }, transaction, cancellationToken: cancellationToken));
            if (crate is null) return null;
            var all = (await connection.QueryAsync<VersionRow>(new CommandDefinition(
                "SELECT id AS Id, num AS Num, num_key AS NumKey, checksum AS Checksum FROM versions WHERE crate_id = @Id ORDER BY id",
                new { crate.Id }, transaction, cancellationToken: cancellationToken))).ToList();
            var doomed = request.VersionKey is null ? all : all.Where(v => v.NumKey == request.VersionKey).ToList();
            if (doomed.Count == 0) return null;
            var crateDeleted = doomed.Count == all.Count;
            var nums = doomed.Select(v => v.Num).ToList();
            var now = UnixTime.ToMs(request.Now);

            var orgOwners = (await connection.QueryAsync<string>(new CommandDefinition(
                """
                SELECT g.name FROM crate_org_owners o JOIN organizations g ON g.id = o.org_id WHERE o.crate_id = @Id
                UNION
                SELECT g.name FROM crate_team_owners o JOIN teams t ON t.id = o.team_id JOIN organizations g ON g.id = t.org_id WHERE o.crate_id = @Id
                """,
                new { crate.Id }, transaction, cancellationToken: cancellationToken))).Order(StringComparer.Ordinal).ToList();

            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO version_tombstones (canonical_name, num, num_key, checksum, deleted_by, deleted_at, reason)
                VALUES (@canonical, @Num, @NumKey, @Checksum, @deletedBy, @now, @reason)
                ON CONFLICT (canonical_name, num_key) DO NOTHING
                """,
                doomed.Select(v => new { canonical = request.CanonicalName, v.Num, v.NumKey, v.Checksum, deletedBy = request.DeletedBy, now, reason = request.Reason }).ToList(),
                transaction, cancellationToken: cancellationToken));
            // Rows keyed by name and version rather than by a foreign key (shared with proxied crates).
            var keyed = nums.Select(num => new { canonical = request.CanonicalName, num }).ToList();
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM content_flags WHERE source = 'private' AND crate_name = @canonical AND version = @num",
                keyed, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM advisory_affected_versions WHERE source = 'private' AND crate_name = @canonical AND version = @num",
                keyed, transaction, cancellationToken: cancellationToken));

            if (crateDeleted)
            {
                // Former owners accumulate: whoever owned an earlier crate of this name keeps the right to it.
                var earlier = await TombstoneSql.FindCrateAsync(connection, transaction, request.CanonicalName, cancellationToken);
                var ownerIds = (await connection.QueryAsync<long>(new CommandDefinition(
                    "SELECT user_id FROM crate_owners WHERE crate_id = @Id",
                    new { crate.Id }, transaction, cancellationToken: cancellationToken))).Union(earlier?.OwnerIds ?? []).Order().ToList();
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO crate_tombstones (canonical_name, name, owner_ids, deleted_by, deleted_at, reason)
                    VALUES (@canonical, @name, @ownerIds, @deletedBy, @now, @reason)
                    ON CONFLICT (canonical_name) DO UPDATE SET name = excluded.name, owner_ids = excluded.owner_ids,
                        deleted_by = excluded.deleted_by, deleted_at = excluded.deleted_at, reason = excluded.reason
                    """,
                    new { canonical = request.CanonicalName, name = crate.Name, ownerIds = JsonSerializer.Serialize(ownerIds), deletedBy = request.DeletedBy, now, reason = request.Reason },
                    transaction, cancellationToken: cancellationToken));
                if (factory.Provider == DatabaseProvider.Sqlite)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "DELETE FROM crate_search_pairs WHERE crate_id = @Id", new { crate.Id }, transaction, cancellationToken: cancellationToken));
                }
                // Versions, their dependencies, downloads, docs and licences, owners, keywords and categories go with
                // the crate row (ON DELETE CASCADE).
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM crates WHERE id = @Id", new { crate.Id }, transaction, cancellationToken: cancellationToken));
            }
            else
            {
                // The versions' day rows go with them (ON DELETE CASCADE): their recent downloads leave the crate now,
                // since the recent window's move could no longer find them to subtract.
                await connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    UPDATE crates SET recent_downloads = recent_downloads - coalesce((
                        SELECT sum(d.downloads) FROM version_downloads d
                        WHERE d.version_id {factory.InList("ids")} AND d.day >= {Downloads.DownloadStatsRepository.RecentSince}), 0)
                    WHERE id = @Id
                    """,
                    new { ids = doomed.Select(v => v.Id).ToArray(), crate.Id }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM versions WHERE id = @Id", doomed.Select(v => new { v.Id }).ToList(), transaction, cancellationToken: cancellationToken));
                var maxVersion = await Crates.CrateStateSql.ComputeMaxVersionAsync(connection, transaction, crate.Id, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE crates SET max_version = @maxVersion, updated_at = @now WHERE id = @Id",
                    new { maxVersion, now, crate.Id }, transaction, cancellationToken: cancellationToken));
            }

            var eventId = await Notifications.EventOutbox.CrateDeletedAsync(factory, connection, transaction,
                new Core.Notifications.CrateDeletedData(crate.Name, request.Version, nums, crateDeleted, request.DeletedBy, request.Reason, orgOwners), request.Now, cancellationToken);
            // The crate's follows end with it (only this event still reaches them), not when someone publishes the name again.
            if (crateDeleted) await Following.CrateFollowEnding.EndAsync(connection, transaction, request.CanonicalName, eventId, request.Now, cancellationToken);
            await Jobs.JobSql.InsertAsync(factory, connection, transaction, DeleteCrateFilesHandler.Job(crate.Name, nums, request.Now), request.Now, cancellationToken);

            // Last before the commit: the change counter is held from here until the commit (IndexChangeCounter).
            if (crateDeleted) await IndexFileRemoval.RemoveAsync(factory, connection, transaction, request.CanonicalName, cancellationToken);
            else await Index.IndexFileWriter.WriteAsync(factory, connection, transaction, crate.Id, request.Now, cancellationToken);
            return new DeletionOutcome(crate.Name, nums, crateDeleted);
        }, cancellationToken);

    public Task<VersionTombstone?> FindVersionTombstoneAsync(string canonicalName, string versionKey, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => (await connection.QuerySingleOrDefaultAsync<TombstoneRow>(new CommandDefinition(
            $"SELECT {TombstoneRow.Columns} FROM version_tombstones WHERE canonical_name = @canonicalName AND num_key = @versionKey",
            new { canonicalName, versionKey }, cancellationToken: cancellationToken)))?.ToRecord(), cancellationToken);

    public Task<CrateTombstones> ListTombstonesAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var versions = await connection.QueryAsync<TombstoneRow>(new CommandDefinition(
                $"SELECT {TombstoneRow.Columns} FROM version_tombstones WHERE canonical_name = @canonicalName ORDER BY deleted_at DESC, num",
                new { canonicalName }, cancellationToken: cancellationToken));
            var crate = await TombstoneSql.FindCrateAsync(connection, null, canonicalName, cancellationToken);
            return new CrateTombstones(crate, [.. versions.Select(v => v.ToRecord())]);
        }, cancellationToken);

    public Task<(IReadOnlyList<DeletedVersion> Items, long Total)> ListDeletedAsync(int offset, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<(IReadOnlyList<DeletedVersion>, long)>(async connection =>
        {
            // A crate whose row is gone and that has a crate tombstone was deleted as a whole; otherwise only versions were.
            var rows = await connection.QueryAsync<DeletedRow>(new CommandDefinition(
                """
                SELECT coalesce(c.name, ct.name, t.canonical_name) AS Crate, t.num AS Num, t.deleted_by AS DeletedBy,
                       t.deleted_at AS DeletedAt, t.reason AS Reason,
                       CASE WHEN c.id IS NULL AND ct.canonical_name IS NOT NULL THEN 1 ELSE 0 END AS CrateDeleted
                FROM version_tombstones t
                LEFT JOIN crates c ON c.canonical_name = t.canonical_name
                LEFT JOIN crate_tombstones ct ON ct.canonical_name = t.canonical_name
                ORDER BY t.deleted_at DESC, t.canonical_name, t.num
                LIMIT @limit OFFSET @offset
                """,
                new { limit, offset }, cancellationToken: cancellationToken));
            var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM version_tombstones", cancellationToken: cancellationToken));
            return ([.. rows.Select(r => new DeletedVersion(r.Crate, r.Num, r.DeletedBy, UnixTime.FromMs(r.DeletedAt), r.Reason, r.CrateDeleted != 0))], total);
        }, cancellationToken);

    private sealed class DeletedRow
    {
        public string Crate { get; set; } = "";
        public string Num { get; set; } = "";
        public string? DeletedBy { get; set; }
        public long DeletedAt { get; set; }
        public string? Reason { get; set; }
        public long CrateDeleted { get; set; }
    }

    private sealed class CrateFactsRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public long CreatedAt { get; set; }
        public long Downloads { get; set; }
        public long OwnerCount { get; set; }
    }

    private sealed class VersionFactsRow
    {
        public string Num { get; set; } = "";
        public long CreatedAt { get; set; }
        public long Downloads { get; set; }
    }

    private sealed class DependentRow
    {
        public string Crate { get; set; } = "";
        public string Version { get; set; } = "";
        public string Req { get; set; } = "";
    }

    private sealed class CrateNameRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
    }

    private sealed class VersionRow
    {
        public long Id { get; set; }
        public string Num { get; set; } = "";
        public string NumKey { get; set; } = "";
        public string Checksum { get; set; } = "";
    }
}

/// <summary>Tombstone reads shared with the publish transaction (<see cref="Crates.CratePublisher"/>).</summary>
internal static class TombstoneSql
{
    public static async Task<VersionTombstone?> FindVersionAsync(DbConnection connection, DbTransaction? transaction, string canonicalName, string versionKey, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<TombstoneRow>(new CommandDefinition(
            $"SELECT {TombstoneRow.Columns} FROM version_tombstones WHERE canonical_name = @canonicalName AND num_key = @versionKey",
            new { canonicalName, versionKey }, transaction, cancellationToken: cancellationToken)))?.ToRecord();

    public static async Task<CrateTombstone?> FindCrateAsync(DbConnection connection, DbTransaction? transaction, string canonicalName, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<CrateTombstoneRow>(new CommandDefinition(
            """
            SELECT name AS Name, owner_ids AS OwnerIds, deleted_by AS DeletedBy, deleted_at AS DeletedAt, reason AS Reason
            FROM crate_tombstones WHERE canonical_name = @canonicalName
            """,
            new { canonicalName }, transaction, cancellationToken: cancellationToken));
        return row is null ? null : new CrateTombstone(row.Name, JsonSerializer.Deserialize<long[]>(row.OwnerIds) ?? [], row.DeletedBy, UnixTime.FromMs(row.DeletedAt), row.Reason);
    }

    private sealed class CrateTombstoneRow
    {
        public string Name { get; set; } = "";
        public string OwnerIds { get; set; } = "[]";
        public string? DeletedBy { get; set; }
        public long DeletedAt { get; set; }
        public string? Reason { get; set; }
    }
}

internal sealed class TombstoneRow
{
    public const string Columns = "canonical_name AS CanonicalName, num AS Num, checksum AS Checksum, deleted_by AS DeletedBy, deleted_at AS DeletedAt, reason AS Reason";

    public string CanonicalName { get; set; } = "";
    public string Num { get; set; } = "";
    public string Checksum { get; set; } = "";
    public string? DeletedBy { get; set; }
    public long DeletedAt { get; set; }
    public string? Reason { get; set; }

    public VersionTombstone ToRecord() => new(CanonicalName, Num, Checksum, DeletedBy, UnixTime.FromMs(DeletedAt), Reason);
}
