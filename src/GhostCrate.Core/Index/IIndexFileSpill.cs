namespace GhostCrate.Core.Index;

/// <summary>
/// The second level of <see cref="IndexFileCache"/>: rendered index files kept on this node's disk, where the kernel's
/// page cache holds them outside the process's memory. A registry of crates.io's size has ~200 MB of index files; the
/// memory level holds the hot part, this level the rest, so a request that misses memory costs a small file read
/// instead of a database query (bench/README.md). Validity is decided by the cache, from what is stored with the file.
/// Implementations are synchronous on purpose: the files are small and were written by this process moments to a
/// minute ago, so they are in the page cache and a read does not wait for the disk (as nginx reads its files).
/// </summary>
public interface IIndexFileSpill
{
    /// <summary>The file stored for the crate, or null when there is none (or it cannot be read).</summary>
    SpilledIndexFile? TryRead(string canonicalName);

    /// <summary>Stores (replaces) the crate's file atomically: a reader sees the old file or the new one, whole.</summary>
    void Write(string canonicalName, SpilledIndexFile file);

    void Delete(string canonicalName);
}

/// <summary>A rendered file with the crate's updated_at it was rendered from and when it was rendered.</summary>
public sealed record SpilledIndexFile(IndexFile File, DateTimeOffset UpdatedAt, DateTimeOffset StoredAt);
