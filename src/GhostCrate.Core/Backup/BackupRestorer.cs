using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Backup;

/// <summary>What a restore brought back; <paramref name="MirrorFiles"/>: files of the offline mirror (0 when the backup has none).</summary>
public sealed record RestoreReport(BackupManifest Manifest, int BlobsRestored, long BlobBytes, int MigrationsApplied, int MirrorFiles = 0);

/// <summary>
/// `backup restore`: refuse a target that holds data unless forced; verify (deep) and refuse a broken backup before
/// the target is touched; then the blobs, then the database as the last step. Where the blob store can stage
/// (<see cref="IBlobBatchStore.StartStaged"/>: a file-system store), verification and copy are one pass: each blob is
/// copied into a staging area while it is measured, and the staged blobs go into place only after every file and the
/// database copy verified (a damaged backup leaves the target as it was); elsewhere (S3) everything is verified first
/// and then copied. The database goes last on purpose: it is the one atomic step (a rename), so a restore interrupted
/// midway leaves a target with no database, which no server starts on, instead of a database whose rows point at blobs
/// that were never copied. Derived state is not copied: index files are rendered from the rows and the index caches
/// start empty in the new server. The blobs are made durable once, before the database is installed, rather than
/// synced file by file.
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
            var opened = await verifier.OpenAsync(backup, keys, cancellationToken);
            RefuseUnlessOk(backup, opened);
            var manifest = opened.Manifest!;
            // Before anything is read or written: a target that holds data is refused unless forced.
            var existing = await database.DescribeExistingAsync(cancellationToken);
            var existingBlob = await FirstBlobAsync(cancellationToken);
            if (!force && (existing is not null || existingBlob is not null))
                throw new BackupException($"the target is not empty ({existing ?? $"storage holds {existingBlob}"}); nothing was restored (use --force to replace it)");
            if (manifest.Mirror is not null && MirrorRestorer.Refusal(mirrorDirectory, force) is { } refusal)
                throw new BackupException(refusal);

            // The blobs go in before the database: it is what makes the target a registry, so it goes in only once every
            // blob its rows point at is durable, and a crash before then leaves storage without a database (refused
            // without --force).
            BackupVerification verification;
            await using (var staged = batches.StartStaged())
            {
                if (staged is not null)
                {
                    // One pass: each blob is copied into the staging area by the read that verifies it, and goes into
                    // place only once every file and the database copy verified.
                    verification = await verifier.CheckFilesAsync(backup, manifest, opened.Key, deep: true, scratch.FullName, staged, cancellationToken);
                    RefuseUnlessOk(backup, verification);
                    await staged.CommitAsync(cancellationToken);
                }
                else
                {
                    verification = await verifier.CheckFilesAsync(backup, manifest, opened.Key, deep: true, scratch.FullName, stageInto: null, cancellationToken);
                    RefuseUnlessOk(backup, verification);
                    await CopyBlobsAsync(backup, manifest, verification.Key, cancellationToken);
                }
            }
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

    /// <summary>
    /// Where the store cannot stage (S3), the blobs are copied after the whole backup verified: written as one batch,
    /// several at a time, and made durable once (<see cref="IBlobBatch.FlushAsync"/>).
    /// </summary>
    private async Task CopyBlobsAsync(IBackupReader backup, BackupManifest manifest, Encryption.BackupKey? key, CancellationToken cancellationToken)
    {
        var batch = batches.StartBatch();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = CopyParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(manifest.Blobs, parallel, async (blob, token) =>
        {
            var blobKey = BlobKey.FromPath(blob.Key);
            if (BackupFiles.LocalFile(backup, blob, key) is { } local)
            {
                try
                {
                    await batch.PutFileAsync(blobKey, local, token);
                    return;
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    throw Disappeared(blob);
                }
            }
            await using var stream = await BackupFiles.OpenAsync(backup, blob, key, token) ?? throw Disappeared(blob);
            await batch.PutAsync(blobKey, stream, token);
        });
        await batch.FlushAsync(cancellationToken);
    }

    private static void RefuseUnlessOk(IBackupReader backup, BackupVerification verification)
    {
        if (!verification.Ok)
            throw new BackupException($"{backup.Describe} does not verify; nothing was restored:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", verification.Problems));
    }

    private static BackupException Disappeared(BackupBlobEntry blob) => new($"{blob.File}: disappeared from the backup during the restore");

    private async Task<string?> FirstBlobAsync(CancellationToken cancellationToken)
    {
        await foreach (var key in blobs.ListAsync("", cancellationToken)) return key;
        return null;
    }
}
