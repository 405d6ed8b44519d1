using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Backup;

/// <summary>What a restore brought back; <paramref name="MirrorFiles"/>: files of the offline mirror (0 when the backup has none).</summary>
public sealed record RestoreReport(BackupManifest Manifest, int BlobsRestored, long BlobBytes, int MigrationsApplied, int MirrorFiles = 0);

/// <summary>
/// `backup restore`: verify (deep) first and refuse a broken backup before touching anything; refuse a target that
/// holds data unless forced; then the blobs, then the database as the last step. The database goes last on purpose:
/// it is the one atomic step (a rename), so a restore interrupted midway leaves a target with no database, which no
/// server starts on, instead of a database whose rows point at blobs that were never copied. Derived state is not
/// copied: index files are rendered from the rows and the index caches start empty in the new server.
/// The blobs are written as one batch, several at a time, and made durable once (<see cref="IBlobBatch.FlushAsync"/>)
/// before the database is installed, rather than synced file by file.
/// </summary>
public sealed class BackupRestorer(BackupVerifier verifier, IDatabaseBackup database, IDatabase schema, IBlobStore blobs, IBlobBatchStore batches, ILogger<BackupRestorer> logger)
{
    /// <summary>
    /// Blob copies in flight at once: enough to overlap the latency of S3 requests and of small-file writes, bounded so
    /// a restore neither opens thousands of streams nor exhausts the S3 client's connection pool.
    /// </summary>
    public const int CopyParallelism = 8;

    public Task<RestoreReport> RestoreAsync(IBackupReader backup, bool force, CancellationToken cancellationToken) =>
        RestoreAsync(backup, force, keys: null, cancellationToken);

    /// <summary>Restores; <paramref name="keys"/> opens an encrypted backup (the verification refuses a wrong key before anything is touched).</summary>
    public Task<RestoreReport> RestoreAsync(IBackupReader backup, bool force, Encryption.BackupKeySource? keys, CancellationToken cancellationToken) =>
        RestoreAsync(backup, force, keys, mirrorDirectory: null, cancellationToken);

    /// <summary>Restores; a backup that holds the offline mirror puts it into <paramref name="mirrorDirectory"/> (required then).</summary>
    public async Task<RestoreReport> RestoreAsync(IBackupReader backup, bool force, Encryption.BackupKeySource? keys, string? mirrorDirectory, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("ghostcrate-restore-");
        try
        {
            var verification = await verifier.VerifyAsync(backup, deep: true, keys, scratch.FullName, cancellationToken);
            if (!verification.Ok)
                throw new BackupException($"{backup.Describe} does not verify; nothing was restored:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", verification.Problems));
            var manifest = verification.Manifest!;

            var existing = await database.DescribeExistingAsync(cancellationToken);
            var existingBlob = await FirstBlobAsync(cancellationToken);
            if (!force && (existing is not null || existingBlob is not null))
                throw new BackupException($"the target is not empty ({existing ?? $"storage holds {existingBlob}"}); nothing was restored (use --force to replace it)");
            if (manifest.Mirror is not null && MirrorRestorer.Refusal(mirrorDirectory, force) is { } refusal)
                throw new BackupException(refusal);

            var batch = batches.StartBatch();
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = CopyParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(manifest.Blobs, parallel, async (blob, token) =>
            {
                var key = BlobKey.FromPath(blob.Key);
                if (BackupFiles.LocalFile(backup, blob, verification.Key) is { } local)
                {
                    try
                    {
                        await batch.PutFileAsync(key, local, token);
                        return;
                    }
                    catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                    {
                        throw Disappeared(blob);
                    }
                }
                await using var stream = await BackupFiles.OpenAsync(backup, blob, verification.Key, token) ?? throw Disappeared(blob);
                await batch.PutAsync(key, stream, token);
            });
            // The database is what makes the target a registry: it goes in only once every blob its rows point at is
            // durable, so a crash before this line leaves storage without a database (refused without --force).
            await batch.FlushAsync(cancellationToken);
            var bytes = manifest.Blobs.Sum(b => b.Size);
            // The mirror is served from its own directory, not from the database: it goes in before the database too,
            // so a restore that fails on it leaves no database that looks restored.
            if (manifest.Mirror is { } mirror) await MirrorRestorer.RestoreAsync(backup, mirror, verification.Key, mirrorDirectory!, cancellationToken);

            await database.InstallAsync(new DatabaseSnapshot(manifest.Database.Format, BackupVerifier.ScratchDatabase(scratch.FullName, manifest), MayBeMoved: true), force, cancellationToken);
            // A backup from an older GhostCrate restores into this one's schema.
            var migrated = await schema.MigrateAsync(cancellationToken);
            logger.LogInformation("Restored backup {BackupId}: {Blobs} blobs, {Migrations} migrations applied", manifest.Id, manifest.Blobs.Count, migrated);
            return new RestoreReport(manifest, manifest.Blobs.Count, bytes, migrated, manifest.Mirror?.Files.Count ?? 0);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static BackupException Disappeared(BackupBlobEntry blob) => new($"{blob.File}: disappeared from the backup during the restore");

    private async Task<string?> FirstBlobAsync(CancellationToken cancellationToken)
    {
        await foreach (var key in blobs.ListAsync("", cancellationToken)) return key;
        return null;
    }
}
