namespace GhostCrate.Core.Backup;

/// <summary>
/// Port for the place backups are kept (a directory today; an S3 prefix later): each backup is its own folder named
/// by its id, so list, incremental references and prune have something to work with.
/// </summary>
public interface IBackupLocation
{
    /// <summary>Where the backups are (a directory, an s3:// prefix), for messages and the run log.</summary>
    string Describe { get; }

    /// <summary>Every backup folder, complete (with a manifest) or not, in no particular order.</summary>
    Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken);

    /// <summary>Starts a new backup folder; fails when <paramref name="id"/> exists.</summary>
    Task<IBackupWriter> CreateAsync(string id, CancellationToken cancellationToken);

    IBackupReader Open(string id);

    /// <summary>
    /// Removes a backup's manifest only (nothing when it has none): from then on it is incomplete, so no new
    /// `backup create` takes it as its base. <see cref="BackupPruner"/> does this to every backup it deletes before it
    /// deletes any of their files (<see cref="DeleteAsync"/>), so that it can see which running backups took one as their
    /// base in the meantime.
    /// </summary>
    Task RemoveManifestAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a backup: its manifest first, so a deletion interrupted midway leaves an incomplete backup, never one
    /// that looks complete with files missing; then every file except those in <paramref name="keep"/> (relative
    /// paths that later, incremental backups reference), and the folder when nothing is kept.
    /// </summary>
    Task DeleteAsync(string id, IReadOnlySet<string> keep, CancellationToken cancellationToken);
}

/// <summary>Writes one backup. Nothing is complete until <see cref="CommitAsync"/> has written the manifest.</summary>
public interface IBackupWriter : IAsyncDisposable
{
    /// <summary>A local folder for files made in place (the database snapshot) before <see cref="AdoptAsync"/> takes them.</summary>
    string StagingFolder { get; }

    /// <summary>Stores <paramref name="content"/> durably at <paramref name="path"/> and returns what was written.</summary>
    Task<FileFacts> AddAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a copy of a local file (a blob of a file-system store; left in place) at <paramref name="path"/> and returns
    /// what was written; a missing <paramref name="localFile"/> throws <see cref="FileNotFoundException"/> or
    /// <see cref="DirectoryNotFoundException"/> before anything is written. Writers that can copy a file more cheaply
    /// than a stream (no thread hop per read and write, no buffer per file) do so: a backup is mostly small files.
    /// </summary>
    async Task<FileFacts> AddFileAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous);
        return await AddAsync(path, file, cancellationToken);
    }

    /// <summary>Takes a finished local file from the staging folder and stores it at <paramref name="path"/>.</summary>
    Task<FileFacts> AdoptAsync(string path, string localFile, CancellationToken cancellationToken);

    /// <summary>Writes the manifest atomically and durably (temp file, fsync, rename): the backup's commit point.</summary>
    Task CommitAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken);

    /// <summary>Writes or replaces this backup's <see cref="RunningMarker"/> whole (a reader sees the old or the new one).</summary>
    Task WriteRunningMarkerAsync(ReadOnlyMemory<byte> marker, CancellationToken cancellationToken);

    /// <summary>Removes the running marker, if there is one.</summary>
    Task RemoveRunningMarkerAsync(CancellationToken cancellationToken);
}

/// <summary>Reads one backup.</summary>
public interface IBackupReader
{
    string Id { get; }

    /// <summary>Where the backup is, for messages.</summary>
    string Describe { get; }

    /// <summary>The manifest's bytes, or null when the backup has none (incomplete).</summary>
    Task<byte[]?> ReadManifestAsync(CancellationToken cancellationToken);

    /// <summary>The <see cref="RunningMarker"/>'s bytes, or null when the backup has none (finished, or never had one).</summary>
    Task<byte[]?> ReadRunningMarkerAsync(CancellationToken cancellationToken);

    /// <summary>Every file of the backup except the manifest and the running marker, as relative '/' paths.</summary>
    IAsyncEnumerable<string> ListFilesAsync(CancellationToken cancellationToken);

    /// <summary>Opens a file of the backup, or null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>Another backup at the same location (an incremental backup's blobs may be stored in an earlier one).</summary>
    IBackupReader OpenSibling(string id);

    /// <summary>
    /// The local file that holds a file of the backup when the backup is a local directory (it may not exist), else
    /// null: verify and restore then read it as a file, without a stream (<see cref="FileFacts.CopyFile"/>).
    /// </summary>
    string? LocalFile(string path) => null;
}
