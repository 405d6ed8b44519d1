namespace GhostCrate.Core.Index;

/// <summary>
/// Port for the stored index files (written by the publish and yank transactions, see <see cref="Crates.ICrateRepository"/>)
/// and the change counter they carry. Every write that changes a crate's file stamps it with the next value of one
/// global counter, handed out in commit order, so "every change after the one I saw last" is a range query that misses
/// nothing (<see cref="ListChangesAsync"/>).
/// </summary>
public interface IIndexFileStore
{
    /// <summary>The stored file of a crate, or null when no such crate exists.</summary>
    Task<StoredIndexFile?> FindAsync(string canonicalName, CancellationToken cancellationToken);

    /// <summary>
    /// Files changed by writes whose counter value is above <paramref name="afterSeq"/>, in counter order, at most
    /// <paramref name="limit"/> of them. Every write committed before this call is either at or below
    /// <paramref name="afterSeq"/> (seen before) or in the answer (or in a later page).
    /// </summary>
    Task<IReadOnlyList<IndexFileChange>> ListChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The highest counter value of a committed write (0 before the first).</summary>
    Task<long> LatestSeqAsync(CancellationToken cancellationToken);
}

/// <summary>A crate's index file as stored: the bytes, their ETag, the time of the write and its counter value.</summary>
public sealed record StoredIndexFile(string Name, byte[] Content, string ETag, DateTimeOffset LastModified, long Seq);

/// <summary>One crate whose file a write changed, with that write's counter value.</summary>
public sealed record IndexFileChange(string CanonicalName, long Seq);
