using System.Data.Common;
using Dapper;
using GhostCrate.Core.Crates;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Crates;

/// <summary>
/// The publish transaction of <see cref="ICrateRepository.PublishAsync"/>. Publishers of one crate are serialised on
/// the crate row (PostgreSQL: the unique index plus SELECT ... FOR UPDATE; SQLite: the database write lock), so every
/// check below sees the versions committed by earlier publishers.
/// </summary>
internal sealed class CratePublisher(IDbConnectionFactory factory)
{
    // A lost race on a unique index is retried from the start, and the retry sees the winner's committed row, so it
    // ends in a value (VersionExists, NameConflict, NotOwner or Published). More than a few rounds means a bug.
    private const int MaxAttempts = 5;

    public async Task<PublishWriteResult> PublishAsync(NewCrateVersion version, Func<CancellationToken, Task> storeBlob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(storeBlob);
        for (var attempt = 1; ; attempt++)
        {
            var result = await TryPublishAsync(version, storeBlob, cancellationToken);
            if (result is not null) return result;
            if (attempt >= MaxAttempts)
                throw new InvalidOperationException($"Publishing {version.Name} {version.Version} kept losing unique-constraint races after {MaxAttempts} attempts.");
        }
    }

    /// <summary>Null when a unique index rejected a row before the blob was stored: nothing was written, try again.</summary>
    private async Task<PublishWriteResult?> TryPublishAsync(NewCrateVersion version, Func<CancellationToken, Task> storeBlob, CancellationToken cancellationToken)
    {
        await using var connection = await factory.OpenAsync(cancellationToken);
        // Disposing without commit rolls back: every early return and every exception below leaves nothing behind.
        await using var write = await factory.BeginWriteAsync(connection, cancellationToken);
        var transaction = write.Transaction;
        var blobCalled = false;
        try
        {
            if (await LockOrCreateCrateAsync(connection, transaction, version, cancellationToken) is not { } crate) return null;
            var (crateId, crateName, created) = crate;
            // Inside the transaction, after the crate row is locked: a deletion that committed first is seen here.
            if (await Deletion.PublishTombstoneCheck.RefuseAsync(connection, transaction, version, created, cancellationToken) is { } refused) return refused;
            if (!created)
            {
                if (!string.Equals(crateName, version.Name, StringComparison.Ordinal))
                    return new PublishWriteResult(PublishWriteStatus.NameConflict, ExistingName: crateName);
                if (!version.PublisherAuthorized && !await IsOwnerAsync(connection, transaction, crateId, version.PublisherId, cancellationToken))
                    return new PublishWriteResult(PublishWriteStatus.NotOwner);
                var existing = await FindVersionByKeyAsync(connection, transaction, crateId, version.VersionKey, cancellationToken);
                if (existing is not null)
                    return new PublishWriteResult(PublishWriteStatus.VersionExists, ExistingVersion: existing);
            }
            else
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO crate_owners (crate_id, user_id, created_at) VALUES (@crateId, @userId, @now)",
                    new { crateId, userId = version.PublisherId, now = UnixTime.ToMs(version.PublishedAt) }, transaction, cancellationToken: cancellationToken));
            }

            var versionId = await InsertVersionAsync(connection, transaction, crateId, version, cancellationToken);
            await InsertDependenciesAsync(connection, transaction, versionId, version.Dependencies, cancellationToken);
            await ContentChecks.ContentFlagsSql.ReplaceAsync(connection, transaction, Core.ContentChecks.ContentFlagSources.Private,
                version.CanonicalName, version.Version, version.ContentFlags ?? [], cancellationToken);
            if (version.LicenseInfo is { } license) await Licenses.LicenseRepository.InsertAsync(connection, transaction, versionId, license, cancellationToken);
            await UpdateCrateAsync(connection, transaction, crateId, version, created, cancellationToken);
            // A held version is announced to the administrators now and as published when it is approved (Data/Holds).
            if (version.HoldReason is { } holdReason)
                await Notifications.EventOutbox.VersionHeldAsync(factory, connection, transaction, crateName, version.Version,
                    version.PublisherId, holdReason, created, version.PublishedAt, cancellationToken);
            else
                await Notifications.EventOutbox.CratePublishedAsync(factory, connection, transaction, crateName, version.Version,
                    version.Checksum, version.Size, version.PublisherId, created, version.PublishedAt, cancellationToken);
            if (created && version.SimilarCrates is { Count: > 0 } similar)
                await Notifications.EventOutbox.TyposquatSuspectedAsync(factory, connection, transaction, crateName, version.Version,
                    version.PublisherId, similar, version.PublishedAt, cancellationToken);

            // The blob goes in while the rows are still uncommitted: if it fails nothing is visible, and if the commit
            // fails afterwards a retry finds the blob already there (put-if-absent), so no half-publish is observable.
            blobCalled = true;
            await storeBlob(cancellationToken);
            // Last before the commit: from here the change counter is held until the commit (IndexChangeCounter).
            await Index.IndexFileWriter.WriteAsync(factory, connection, transaction, crateId, version.PublishedAt, cancellationToken);
            await write.CommitAsync(cancellationToken);
            return new PublishWriteResult(PublishWriteStatus.Published, CrateCreated: created);
        }
        catch (Exception exception) when (!blobCalled && factory.IsUniqueViolation(exception))
        {
            return null;
        }
    }

    /// <summary>
    /// Inserts the crate if it is missing, else locks the existing row. On PostgreSQL a concurrent inserter of the same
    /// canonical name blocks on the unique index until the first transaction ends, then either sees its committed
    /// row (and locks it) or, after a rollback, inserts the crate itself.
    /// </summary>
    private async Task<(long Id, string Name, bool Created)?> LockOrCreateCrateAsync(
        DbConnection connection, DbTransaction transaction, NewCrateVersion version, CancellationToken cancellationToken)
    {
        var now = UnixTime.ToMs(version.PublishedAt);
        var newId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO crates (name, canonical_name, description, max_version, downloads, search_text, created_at, updated_at)
            VALUES (@Name, @CanonicalName, @Description, @Version, 0, @SearchText, @now, @now)
            ON CONFLICT (canonical_name) DO NOTHING
            RETURNING id
            """,
            new { version.Name, version.CanonicalName, version.Description, version.Version, version.SearchText, now },
            transaction, cancellationToken: cancellationToken));
        if (newId is { } id) return (id, version.Name, true);

        var existing = await connection.QuerySingleOrDefaultAsync<CrateNameRow>(new CommandDefinition(
            $"SELECT id AS Id, name AS Name FROM crates WHERE canonical_name = @CanonicalName{factory.LockRowsSuffix}",
            new { version.CanonicalName }, transaction, cancellationToken: cancellationToken));
        // Missing only if the row vanished between the two statements (crates are never deleted today): retry.
        return existing is null ? null : (existing.Id, existing.Name, false);
    }

    private static async Task<bool> IsOwnerAsync(DbConnection connection, DbTransaction transaction, long crateId, long userId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM crate_owners WHERE crate_id = @crateId AND user_id = @userId",
            new { crateId, userId }, transaction, cancellationToken: cancellationToken)) > 0;

    private static Task<string?> FindVersionByKeyAsync(DbConnection connection, DbTransaction transaction, long crateId, string versionKey, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT num FROM versions WHERE crate_id = @crateId AND num_key = @versionKey",
            new { crateId, versionKey }, transaction, cancellationToken: cancellationToken));

    private static Task<long> InsertVersionAsync(DbConnection connection, DbTransaction transaction, long crateId, NewCrateVersion version, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO versions (crate_id, num, num_key, checksum, size, yanked, downloads, published_by, created_at,
                                  index_json, metadata_json, license, readme, edition, targets, held, held_reason)
            VALUES (@crateId, @Version, @VersionKey, @Checksum, @Size, 0, 0, @PublisherId, @createdAt,
                    @IndexJson, @MetadataJson, @License, @Readme, @Edition, @targets, @held, @HoldReason)
            RETURNING id
            """,
            new
            {
                crateId, version.Version, version.VersionKey, version.Checksum, version.Size, version.PublisherId,
                createdAt = UnixTime.ToMs(version.PublishedAt), version.IndexJson, version.MetadataJson, version.License, version.Readme,
                version.Edition, targets = version.Targets is null ? null : System.Text.Json.JsonSerializer.Serialize(version.Targets),
                held = version.HoldReason is null ? 0 : 1, version.HoldReason,
            },
            transaction, cancellationToken: cancellationToken));

    private static async Task InsertDependenciesAsync(
        DbConnection connection, DbTransaction transaction, long versionId, IReadOnlyList<NewDependency> dependencies, CancellationToken cancellationToken)
    {
        if (dependencies.Count == 0) return;
        // Dapper runs the statement once per element of the list.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO version_dependencies (version_id, crate_name, req, kind, optional, registry, target)
            VALUES (@versionId, @CrateName, @Req, @Kind, @optional, @Registry, @Target)
            """,
            dependencies.Select(d => new { versionId, d.CrateName, d.Req, d.Kind, optional = d.Optional ? 1 : 0, d.Registry, d.Target }).ToList(),
            transaction, cancellationToken: cancellationToken));
    }

    private async Task UpdateCrateAsync(DbConnection connection, DbTransaction transaction, long crateId, NewCrateVersion version, bool created, CancellationToken cancellationToken)
    {
        var maxVersion = await CrateStateSql.ComputeMaxVersionAsync(connection, transaction, crateId, cancellationToken);
        if (version.HoldReason is not null && !created)
        {
            // A held version must not show through its crate: the description, search text and tags stay those of
            // the visible versions until it is approved.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE crates SET max_version = @maxVersion WHERE id = @crateId",
                new { maxVersion, crateId }, transaction, cancellationToken: cancellationToken));
            return;
        }
        if (factory.Provider == Core.Options.DatabaseProvider.Sqlite)
        {
            // The search pairs (migration 0006) follow the search text: all of them for a new crate, else the difference.
            var oldText = created ? null : await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT search_text FROM crates WHERE id = @crateId", new { crateId }, transaction, cancellationToken: cancellationToken));
            await SearchPairs.ReplaceAsync(connection, transaction, crateId, oldText, version.SearchText, cancellationToken);
        }
        // Description and search text follow the latest publish, like crates.io, whichever version it is.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE crates
            SET description = @Description, max_version = @maxVersion, search_text = @SearchText, updated_at = @now
            WHERE id = @crateId
            """,
            new { version.Description, maxVersion, version.SearchText, now = UnixTime.ToMs(version.PublishedAt), crateId },
            transaction, cancellationToken: cancellationToken));
        await Search.CrateTagsSql.ReplaceAsync(connection, transaction, crateId, version.Keywords ?? [], version.Categories ?? [], cancellationToken);
    }
}
