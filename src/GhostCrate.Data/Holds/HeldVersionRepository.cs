using System.Data.Common;
using Dapper;
using GhostCrate.Core.Holds;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Crates;

namespace GhostCrate.Data.Holds;

/// <summary>
/// Versions held for approval (migration 0023, docs/security.md "Approval hold"). Approve and reject lock the crate row
/// first, like publish and yank, so they take turns with them on both databases; approval rewrites the crate's index
/// file with the next change counter value, which is how the other nodes learn about it (Core/Changes).
/// </summary>
internal sealed class HeldVersionRepository(IDbConnectionFactory factory) : IHeldVersionRepository
{
    private const string Columns = """
        c.name AS Crate, c.canonical_name AS CanonicalName, v.num AS Version, v.held_reason AS Reason, u.username AS PublishedBy,
        v.created_at AS HeldAt, v.checksum AS Checksum, v.size AS Size, v.id AS VersionId, v.crate_id AS CrateId, v.published_by AS PublisherId,
        (SELECT count(*) FROM versions o WHERE o.crate_id = v.crate_id AND o.id < v.id) AS Earlier
        """;

    private const string From = "FROM versions v JOIN crates c ON c.id = v.crate_id LEFT JOIN users u ON u.id = v.published_by";

    public Task<IReadOnlyList<HeldVersion>> ListAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<HeldVersion>>(async connection =>
            [.. (await connection.QueryAsync<HeldRow>(new CommandDefinition(
                $"SELECT {Columns} {From} WHERE v.held = 1 ORDER BY v.id", cancellationToken: cancellationToken))).Select(r => r.ToRecord())],
            cancellationToken);

    public Task<IReadOnlyList<HeldVersion>> ListForCrateAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<HeldVersion>>(async connection =>
            [.. (await connection.QueryAsync<HeldRow>(new CommandDefinition(
                $"SELECT {Columns} {From} WHERE v.held = 1 AND c.canonical_name = @canonicalName ORDER BY v.id",
                new { canonicalName }, cancellationToken: cancellationToken))).Select(r => r.ToRecord())],
            cancellationToken);

    public Task<bool> IsHeldAsync(string canonicalName, string version, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM versions v JOIN crates c ON c.id = v.crate_id WHERE c.canonical_name = @canonicalName AND v.num = @version AND v.held = 1",
            new { canonicalName, version }, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<Core.Crates.VersionRecord?> FindHeldVersionAsync(string canonicalName, string version, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => (await connection.QuerySingleOrDefaultAsync<Crates.VersionRow>(new CommandDefinition(
            $"""
            SELECT {Crates.VersionRow.Columns}
            FROM versions v JOIN crates c ON c.id = v.crate_id
            WHERE c.canonical_name = @canonicalName AND v.num = @version AND v.held = 1
            """,
            new { canonicalName, version }, cancellationToken: cancellationToken)))?.ToRecord(), cancellationToken);

    public Task<HeldVersion?> ApproveAsync(string canonicalName, string version, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            if (await LockHeldAsync(connection, transaction, canonicalName, version, cancellationToken) is not { } row) return null;
            var visibleBefore = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM versions WHERE crate_id = @CrateId AND held = 0", new { row.CrateId }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE versions SET held = 0, held_reason = NULL WHERE id = @VersionId", new { row.VersionId }, transaction, cancellationToken: cancellationToken));
            await RefreshCrateTextAsync(connection, transaction, row, cancellationToken);
            var maxVersion = await CrateStateSql.ComputeMaxVersionAsync(connection, transaction, row.CrateId, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE crates SET max_version = @maxVersion, updated_at = @now WHERE id = @CrateId",
                new { maxVersion, now = UnixTime.ToMs(now), row.CrateId }, transaction, cancellationToken: cancellationToken));
            // new_crate: the crate's first visible version, as subscribers of crate.published understand it.
            await Notifications.EventOutbox.CratePublishedAsync(factory, connection, transaction, row.Crate, row.Version,
                row.Checksum, row.Size, row.PublisherId ?? 0, visibleBefore == 0, now, cancellationToken);
            // Last before the commit (IndexFileWriter holds the change counter until then).
            await Index.IndexFileWriter.WriteAsync(factory, connection, transaction, row.CrateId, now, cancellationToken);
            return row.ToRecord();
        }, cancellationToken);

    public Task<RejectedVersion?> RejectAsync(string canonicalName, string version, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            if (await LockHeldAsync(connection, transaction, canonicalName, version, cancellationToken) is not { } row) return null;
            // The rows that hang off a version go with it (ON DELETE CASCADE: dependencies, licence, docs, download
            // counts); content flags and findings are keyed by name and version, so they are removed by name.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM content_flags WHERE source = @source AND crate_name = @CanonicalName AND version = @Version",
                new { source = Core.ContentChecks.ContentFlagSources.Private, row.CanonicalName, row.Version }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM advisory_affected_versions WHERE source = @source AND crate_name = @CanonicalName AND version = @Version",
                new { source = Core.ContentChecks.ContentFlagSources.Private, row.CanonicalName, row.Version }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM versions WHERE id = @VersionId", new { row.VersionId }, transaction, cancellationToken: cancellationToken));
            var remaining = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM versions WHERE crate_id = @CrateId", new { row.CrateId }, transaction, cancellationToken: cancellationToken));
            if (remaining == 0)
            {
                // Nothing was ever visible (a held first version): the name is free again. Owners, tags and access rows
                // go by ON DELETE CASCADE; SQLite's search pairs have no foreign key.
                if (factory.Provider == Core.Options.DatabaseProvider.Sqlite)
                    await connection.ExecuteAsync(new CommandDefinition(
                        "DELETE FROM crate_search_pairs WHERE crate_id = @CrateId", new { row.CrateId }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM crates WHERE id = @CrateId", new { row.CrateId }, transaction, cancellationToken: cancellationToken));
            }
            // The index file is untouched: a held version was never in it.
            return new RejectedVersion(row.ToRecord(), remaining == 0);
        }, cancellationToken);

    /// <summary>
    /// The publish of a held version left the crate's description, search text and tags to the visible versions
    /// (Data/Crates/CratePublisher). Once approved it speaks for the crate as its publish would have, if no visible
    /// version was published after it: the latest publish wins, as on crates.io.
    /// </summary>
    private async Task RefreshCrateTextAsync(DbConnection connection, DbTransaction transaction, HeldRow row, CancellationToken cancellationToken)
    {
        var later = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM versions WHERE crate_id = @CrateId AND held = 0 AND id <> @VersionId AND (created_at > @HeldAt OR (created_at = @HeldAt AND id > @VersionId))",
            new { row.CrateId, row.VersionId, row.HeldAt }, transaction, cancellationToken: cancellationToken));
        if (later > 0) return;
        var json = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT metadata_json FROM versions WHERE id = @VersionId", new { row.VersionId }, transaction, cancellationToken: cancellationToken));
        Protocol.Publishing.PublishMetadata? meta;
        try
        {
            meta = json is null ? null : System.Text.Json.JsonSerializer.Deserialize<Protocol.Publishing.PublishMetadata>(json);
        }
        catch (System.Text.Json.JsonException)
        {
            // Stored by our own publish, so it parses; if not, the crate keeps the text it has.
            meta = null;
        }
        if (meta is null) return;
        var text = Core.Publishing.CrateText.Of(meta);
        if (factory.Provider == Core.Options.DatabaseProvider.Sqlite)
        {
            var oldText = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT search_text FROM crates WHERE id = @CrateId", new { row.CrateId }, transaction, cancellationToken: cancellationToken));
            await Crates.SearchPairs.ReplaceAsync(connection, transaction, row.CrateId, oldText, text.SearchText, cancellationToken);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE crates SET description = @Description, search_text = @SearchText WHERE id = @CrateId",
            new { text.Description, text.SearchText, row.CrateId }, transaction, cancellationToken: cancellationToken));
        await Search.CrateTagsSql.ReplaceAsync(connection, transaction, row.CrateId, text.Keywords, text.Categories, cancellationToken);
    }

    /// <summary>Locks the crate row (the order publish and yank use), then reads the held version; null when there is none.</summary>
    private async Task<HeldRow?> LockHeldAsync(DbConnection connection, DbTransaction transaction, string canonicalName, string version, CancellationToken cancellationToken)
    {
        var crateId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT id FROM crates WHERE canonical_name = @canonicalName{factory.LockRowsSuffix}",
            new { canonicalName }, transaction, cancellationToken: cancellationToken));
        if (crateId is null) return null;
        return await connection.QuerySingleOrDefaultAsync<HeldRow>(new CommandDefinition(
            $"SELECT {Columns} {From} WHERE v.crate_id = @crateId AND v.num = @version AND v.held = 1",
            new { crateId, version }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Dapper target: column types as stored.</summary>
    private sealed class HeldRow
    {
        public string Crate { get; set; } = "";
        public string CanonicalName { get; set; } = "";
        public string Version { get; set; } = "";
        public string? Reason { get; set; }
        public string? PublishedBy { get; set; }
        public long HeldAt { get; set; }
        public string Checksum { get; set; } = "";
        public long Size { get; set; }
        public long VersionId { get; set; }
        public long CrateId { get; set; }
        public long? PublisherId { get; set; }
        public long Earlier { get; set; }

        public HeldVersion ToRecord() =>
            new(Crate, CanonicalName, Version, Reason ?? "", PublishedBy, UnixTime.FromMs(HeldAt), Checksum, Size, NewCrate: Earlier == 0);
    }
}
