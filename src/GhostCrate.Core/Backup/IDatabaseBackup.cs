namespace GhostCrate.Core.Backup;

/// <summary>Port for the configured database's side of backup and restore (SQLite today).</summary>
public interface IDatabaseBackup
{
    /// <summary>
    /// Writes a consistent snapshot of the live database into <paramref name="folder"/> without holding the write lock
    /// (readers and writers carry on) and returns the file and its format; <see cref="IBackupSnapshotReader.CheckIntegrityAsync"/>
    /// checks it.
    /// </summary>
    Task<DatabaseSnapshot> SnapshotAsync(string folder, CancellationToken cancellationToken);

    /// <summary>Null when the configured database holds nothing yet; otherwise what is there (for the refusal message).</summary>
    Task<string?> DescribeExistingAsync(CancellationToken cancellationToken);

    /// <summary>Makes the snapshot file the configured database (replacing one only when <paramref name="replace"/>).</summary>
    Task InstallAsync(DatabaseSnapshot snapshot, bool replace, CancellationToken cancellationToken);
}

/// <summary>
/// A database snapshot file. <paramref name="MayBeMoved"/>: the file is a scratch copy its owner gives up, so
/// <see cref="IDatabaseBackup.InstallAsync"/> may move it into place (a rename on the same file system) instead of
/// copying it: a restore writes the database once instead of twice.
/// </summary>
public sealed record DatabaseSnapshot(string Format, string LocalFile, bool MayBeMoved = false);

/// <summary>Port that reads a snapshot file (whatever the configured database is): schema, counts and the version rows.</summary>
public interface IBackupSnapshotReader
{
    Task<SnapshotContents> ReadAsync(DatabaseSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>
    /// Checks the snapshot file's integrity (<see cref="SnapshotCheck"/>: SQLite's quick_check or integrity_check); a
    /// damaged one throws <see cref="BackupException"/>.
    /// </summary>
    Task CheckIntegrityAsync(DatabaseSnapshot snapshot, SnapshotCheck check, CancellationToken cancellationToken);
}

/// <summary>
/// How far a snapshot's integrity check goes. <see cref="Quick"/> (SQLite's quick_check) reads every page and checks
/// the b-trees, their records and the NOT NULL and CHECK constraints; <see cref="Full"/> (integrity_check) also checks
/// that every index holds exactly its table's rows and that UNIQUE holds. A fresh snapshot made by SQLite's online
/// backup is the source's pages copied one for one, so an index that disagrees with its table there was already wrong
/// in the live database: `backup create` runs the quick check on its snapshot, `backup verify --deep` the full one
/// (docs/backup-and-restore.md, "Verify").
/// </summary>
public enum SnapshotCheck
{
    Quick,
    Full,
}

public sealed record SnapshotContents(IReadOnlyList<int> Migrations, BackupCounts Counts, IReadOnlyList<SnapshotVersion> Versions, IReadOnlyList<SnapshotDocs> Docs);

/// <summary>A version row: its crate file must be in the backup with a SHA-256 equal to <paramref name="Checksum"/> (the index `cksum`).</summary>
public sealed record SnapshotVersion(string Crate, string Version, string Checksum, long Size)
{
    public string BlobKey => Storage.BlobKey.CrateFile(Crate, Version).Path;
}

/// <summary>
/// A version's current rustdoc generation (a version_docs row naming one): its <paramref name="Files"/> files are the
/// blobs under <see cref="Prefix"/>, which the backup must hold, or a restore brings back a row that serves nothing.
/// </summary>
public sealed record SnapshotDocs(string Crate, string Version, string Generation, int Files, long Bytes)
{
    public string Prefix => Storage.BlobKey.DocsGenerationPrefix(Crate, Version, Generation);
}
