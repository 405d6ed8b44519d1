using GhostCrate.Core.Backup.Encryption;

namespace GhostCrate.Core.Backup;

/// <summary>
/// Reads and writes a backup's files as the manifest describes them: encrypted or not (<see cref="ChunkedAead"/>), and
/// in this backup's folder or, for a referenced blob, in the earlier backup that holds it. Sizes and hashes are always
/// of the plaintext, so they are the same whether or not a backup is encrypted.
/// </summary>
public static class BackupFiles
{
    /// <summary>Stores <paramref name="plaintext"/> at <paramref name="path"/> (encrypted under <paramref name="key"/> when given) and measures the plaintext.</summary>
    public static async Task<FileFacts> AddAsync(IBackupWriter writer, string path, Stream plaintext, BackupKey? key, CancellationToken cancellationToken)
    {
        if (key is null) return await writer.AddAsync(path, plaintext, cancellationToken);
        using var measured = new MeasuringStream(plaintext);
        await using var encrypted = ChunkedAead.Encrypt(measured, key.Master, path);
        await writer.AddAsync(path, encrypted, cancellationToken);
        return measured.Facts;
    }

    /// <summary>Stores a finished local file (the database snapshot); without encryption it is moved, not copied.</summary>
    public static async Task<FileFacts> AdoptAsync(IBackupWriter writer, string path, string localFile, BackupKey? key, CancellationToken cancellationToken)
    {
        if (key is null) return await writer.AdoptAsync(path, localFile, cancellationToken);
        FileFacts facts;
        await using (var file = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 128 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            facts = await AddAsync(writer, path, file, key, cancellationToken);
        }
        File.Delete(localFile);
        return facts;
    }

    /// <summary>The plaintext of a listed file, or null when it is not there; decryption errors surface while reading.</summary>
    public static async Task<Stream?> OpenAsync(IBackupReader backup, BackupFileEntry entry, BackupKey? key, CancellationToken cancellationToken)
    {
        var holder = entry.StoredIn is null ? backup : backup.OpenSibling(entry.StoredIn);
        var stored = await holder.OpenReadAsync(entry.Path, cancellationToken);
        if (stored is null || key is null) return stored;
        return ChunkedAead.Decrypt(stored, key.Master, entry.Path);
    }

    public static Task<Stream?> OpenAsync(IBackupReader backup, BackupBlobEntry blob, BackupKey? key, CancellationToken cancellationToken) =>
        OpenAsync(backup, Entry(blob), key, cancellationToken);

    /// <summary>
    /// The local file that holds a listed file's plaintext (a backup in a local directory, not encrypted; the file may
    /// not exist), or null when it must be read through <see cref="OpenAsync(IBackupReader, BackupFileEntry, BackupKey?, CancellationToken)"/>.
    /// </summary>
    public static string? LocalFile(IBackupReader backup, BackupFileEntry entry, BackupKey? key) =>
        key is not null ? null : (entry.StoredIn is null ? backup : backup.OpenSibling(entry.StoredIn)).LocalFile(entry.Path);

    public static string? LocalFile(IBackupReader backup, BackupBlobEntry blob, BackupKey? key) => LocalFile(backup, Entry(blob), key);

    private static BackupFileEntry Entry(BackupBlobEntry blob) => new(blob.File, blob.Size, blob.Sha256, blob.StoredIn);
}
