using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Backup;

public sealed record RestoreReport(BackupManifest Manifest, int BlobsRestored, long BlobBytes, int MigrationsApplied);

/// <summary>
/// `backup restore`: verify (deep) first and refuse a broken backup before touching anything; refuse a target that
/// holds data unless forced; then the blobs, then the database as the last step. The database goes last on purpose:
/// it is the one atomic step (a rename), so a restore interrupted midway leaves a target with no database, which no
/// server starts on, instead of a database whose rows point at blobs that were never copied. Derived state is not
/// copied: index files are rendered from the rows and the index caches start empty in the new server.
/// </summary>
public sealed class BackupRestorer(BackupVerifier verifier, IDatabaseBackup database, IDatabase schema, IBlobStore blobs, ILogger<BackupRestorer> logger)
{
    public Task<RestoreReport> RestoreAsync(IBackupReader backup, bool force, CancellationToken cancellationToken) =>
        RestoreAsync(backup, force, keys: null, cancellationToken);

    /// <summary>Restores; <paramref name="keys"/> opens an encrypted backup (the verification refuses a wrong key before anything is touched).</summary>
    public async Task<RestoreReport> RestoreAsync(IBackupReader backup, bool force, Encryption.BackupKeySource? keys, CancellationToken cancellationToken)
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

            long bytes = 0;
            foreach (var blob in manifest.Blobs)
            {
                await using var stream = await BackupFiles.OpenAsync(backup, blob, verification.Key, cancellationToken)
                    ?? throw new BackupException($"{blob.File}: disappeared from the backup during the restore");
                await blobs.PutAsync(BlobKey.FromPath(blob.Key), stream, BlobPutMode.Overwrite, cancellationToken);
                bytes += blob.Size;
            }

            await database.InstallAsync(new DatabaseSnapshot(manifest.Database.Format, BackupVerifier.ScratchDatabase(scratch.FullName, manifest)), force, cancellationToken);
            // A backup from an older GhostCrate restores into this one's schema.
            var migrated = await schema.MigrateAsync(cancellationToken);
            logger.LogInformation("Restored backup {BackupId}: {Blobs} blobs, {Migrations} migrations applied", manifest.Id, manifest.Blobs.Count, migrated);
            return new RestoreReport(manifest, manifest.Blobs.Count, bytes, migrated);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private async Task<string?> FirstBlobAsync(CancellationToken cancellationToken)
    {
        await foreach (var key in blobs.ListAsync("", cancellationToken)) return key;
        return null;
    }
}
