using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Backup;

/// <summary>
/// `backup create`: database snapshot first, then exactly the blobs that snapshot's version rows reference, then the
/// manifest last. Blobs of versions published after the snapshot are not copied (their rows are not in it), so a
/// restore never has half a version; blobs the snapshot needs exist, because publish stores the blob before it
/// commits the row (docs/architecture.md, "Publish is crash-safe"). Every run, successful or not, is recorded in the
/// run log, which is where /metrics reads the last success from.
/// </summary>
public sealed class BackupCreator(IDatabaseBackup database, IBackupSnapshotReader snapshots, IBlobStore blobs, IBackupRunLog runs, TimeProvider time, ILogger<BackupCreator> logger)
{
    public async Task<BackupManifest> CreateAsync(IBackupLocation location, string ghostCrateVersion, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        string? id = null;
        try
        {
            id = await NewIdAsync(location, started, cancellationToken);
            var manifest = await CreateAsync(location, id, ghostCrateVersion, started, cancellationToken);
            await RecordAsync(new BackupRun(started, time.GetUtcNow(), location.Describe, id, true, manifest.Database.Size + manifest.Blobs.Sum(b => b.Size), null));
            return manifest;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Backup {BackupId} to {Target} failed", id, location.Describe);
            await RecordAsync(new BackupRun(started, time.GetUtcNow(), location.Describe, id, false, 0, ex.Message));
            throw;
        }
    }

    /// <summary>A run log that cannot be written must not turn a good backup into a failure, nor hide the real error.</summary>
    private async Task RecordAsync(BackupRun run)
    {
        try
        {
            await runs.RecordAsync(run, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record the backup run in the database; /metrics will not show it");
        }
    }

    private async Task<BackupManifest> CreateAsync(IBackupLocation location, string id, string ghostCrateVersion, DateTimeOffset started, CancellationToken cancellationToken)
    {
        await using var writer = await location.CreateAsync(id, cancellationToken);

        var snapshot = await database.SnapshotAsync(writer.StagingFolder, cancellationToken);
        var contents = await snapshots.ReadAsync(snapshot, cancellationToken);
        var databaseFile = BackupPaths.DatabaseFile(snapshot.Format);
        var databaseFacts = await writer.AdoptAsync(databaseFile, snapshot.LocalFile, cancellationToken);
        logger.LogInformation("Backup {BackupId}: database snapshot of {Versions} versions, {Bytes} bytes", id, contents.Versions.Count, databaseFacts.Size);

        var entries = new List<BackupBlobEntry>(contents.Versions.Count);
        foreach (var version in contents.Versions)
        {
            var key = BlobKey.CrateFile(version.Crate, version.Version);
            await using var blob = await blobs.OpenReadAsync(key, cancellationToken)
                ?? throw new BackupException($"{key.Path}: the crate file of {version.Crate} {version.Version} is missing from storage");
            var facts = await writer.AddAsync(BackupPaths.BlobFile(key.Path), blob.Stream, cancellationToken);
            // A stored file that no longer matches its checksum would restore into a registry cargo refuses to use:
            // better to fail the backup loudly now than to find out during a restore.
            if (!string.Equals(facts.Sha256, version.Checksum, StringComparison.OrdinalIgnoreCase))
                throw new BackupException($"{key.Path}: stored file has sha256 {facts.Sha256} but {version.Crate} {version.Version} has checksum {version.Checksum}");
            entries.Add(new BackupBlobEntry(key.Path, facts.Size, facts.Sha256));
        }

        var manifest = new BackupManifest(BackupManifest.CurrentFormatVersion, id, ghostCrateVersion, started,
            new BackupDatabaseEntry(snapshot.Format, databaseFile, databaseFacts.Size, databaseFacts.Sha256, contents.Migrations),
            contents.Counts, entries);
        await writer.CommitAsync(manifest.ToJson(), cancellationToken);
        logger.LogInformation("Backup {BackupId} complete: {Blobs} blobs in {Seconds:F1} s", id, entries.Count, (time.GetUtcNow() - started).TotalSeconds);
        return manifest;
    }

    /// <summary>A UTC timestamp, so ids sort by time; a suffix when two backups start in the same second.</summary>
    private static async Task<string> NewIdAsync(IBackupLocation location, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = (await location.ListIdsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var baseId = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var id = baseId;
        for (var n = 2; existing.Contains(id); n++) id = $"{baseId}-{n}";
        return id;
    }
}
