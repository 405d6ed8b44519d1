using GhostCrate.Core.Backup.Encryption;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Backup;

/// <summary>
/// How `backup create` runs: encrypted with a key from <paramref name="Encryption"/> (null: not encrypted), whether it
/// may reference the target's previous backup, whether it also copies the proxy's cached crate files (off by
/// default: they are fetched again from upstream on demand, but an air-gapped or upstream-less restore needs them),
/// and the offline mirror directory to include (<paramref name="MirrorDirectory"/>; null: not included).
/// </summary>
public sealed record BackupCreateOptions(BackupKeySource? Encryption, bool Incremental, bool IncludeProxyCache = false, string? MirrorDirectory = null);

/// <summary>
/// Puts one blob into the backup being written: copied (encrypted when there is a key), or, when the previous backup at
/// the target already holds the same bytes under the same key, referenced there instead of copied again.
/// </summary>
internal sealed class BlobCopier(IBackupWriter writer, IBlobStore blobs, BackupKey? encryptionKey, IReadOnlyDictionary<string, BackupBlobEntry> bases)
{
    /// <summary>
    /// A version's crate file. Its SHA-256 is known from the database (the index `cksum`), and the earlier backup
    /// checked its copy against the same checksum, so an equal one is referenced without reading storage.
    /// </summary>
    public async Task<BackupBlobEntry> CrateFileAsync(SnapshotVersion version, CancellationToken cancellationToken)
    {
        var key = BlobKey.CrateFile(version.Crate, version.Version);
        if (bases.TryGetValue(key.Path, out var earlier) && string.Equals(earlier.Sha256, version.Checksum, StringComparison.OrdinalIgnoreCase))
            return earlier;
        var facts = await AddAsync(key, cancellationToken)
            ?? throw new BackupException($"{key.Path}: the crate file of {version.Crate} {version.Version} is missing from storage");
        // A stored file that no longer matches its checksum would restore into a registry cargo refuses to use:
        // better to fail the backup loudly now than to find out during a restore.
        if (!string.Equals(facts.Sha256, version.Checksum, StringComparison.OrdinalIgnoreCase))
            throw new BackupException($"{key.Path}: stored file has sha256 {facts.Sha256} but {version.Crate} {version.Version} has checksum {version.Checksum}");
        return new BackupBlobEntry(key.Path, facts.Size, facts.Sha256);
    }

    /// <summary>A docs file: no checksum in the database, so it is hashed first and referenced only when the bytes are equal.</summary>
    public async Task<BackupBlobEntry> DocsFileAsync(SnapshotDocs docs, string path, CancellationToken cancellationToken)
    {
        var key = BlobKey.FromPath(path);
        if (bases.TryGetValue(path, out var earlier))
        {
            await using var existing = await OpenAsync(docs, key, cancellationToken);
            var measured = await FileFacts.MeasureAsync(existing.Stream, cancellationToken);
            if (measured.Size == earlier.Size && measured.Sha256 == earlier.Sha256) return earlier;
        }
        var facts = await AddAsync(key, cancellationToken) ?? throw Disappeared(docs, key);
        return new BackupBlobEntry(path, facts.Size, facts.Sha256);
    }

    /// <summary>
    /// A proxy-cached crate file, listed from storage: hashed first and referenced only when the bytes are equal, like a
    /// docs file. Null when it vanished since the listing (the cache may drop a file at any time; the next backup has
    /// it again if it comes back).
    /// </summary>
    public async Task<BackupBlobEntry?> CachedFileAsync(string path, CancellationToken cancellationToken)
    {
        var key = BlobKey.FromPath(path);
        if (bases.TryGetValue(path, out var earlier))
        {
            await using var existing = await blobs.OpenReadAsync(key, cancellationToken);
            if (existing is null) return null;
            var measured = await FileFacts.MeasureAsync(existing.Stream, cancellationToken);
            if (measured.Size == earlier.Size && measured.Sha256 == earlier.Sha256) return earlier;
        }
        var facts = await AddAsync(key, cancellationToken);
        return facts is null ? null : new BackupBlobEntry(path, facts.Size, facts.Sha256);
    }

    /// <summary>
    /// Copies a blob into the backup (encrypted when there is a key); null when storage does not have it. A file-system
    /// store's file is copied as a file, without a stream (<see cref="IBackupWriter.AddFileAsync"/>).
    /// </summary>
    private async Task<FileFacts?> AddAsync(BlobKey key, CancellationToken cancellationToken)
    {
        var file = BackupPaths.BlobFile(key.Path);
        if (encryptionKey is null && blobs is ILocalBlobFiles local)
        {
            try
            {
                return await writer.AddFileAsync(file, local.LocalPath(key), cancellationToken);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
        }
        await using var blob = await blobs.OpenReadAsync(key, cancellationToken);
        return blob is null ? null : await BackupFiles.AddAsync(writer, file, blob.Stream, encryptionKey, cancellationToken);
    }

    private async Task<BlobContent> OpenAsync(SnapshotDocs docs, BlobKey key, CancellationToken cancellationToken) =>
        await blobs.OpenReadAsync(key, cancellationToken) ?? throw Disappeared(docs, key);

    private static BackupException Disappeared(SnapshotDocs docs, BlobKey key) =>
        new($"{key.Path}: a docs file of {docs.Crate} {docs.Version} disappeared from storage during the backup; run the backup again");
}
