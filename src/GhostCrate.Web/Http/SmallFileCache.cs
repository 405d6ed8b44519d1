using System.Collections.Concurrent;

namespace GhostCrate.Web.Http;

/// <summary>
/// The bytes of small, often downloaded .crate files (most crates are a few KB), so a download costs a stat instead
/// of an open, a read and a close (nginx's open_file_cache plays the same role). An entry is used only while the
/// file's length and modification time are unchanged, so a replaced or removed file is never served from here.
/// Bounded by a byte budget: when it is full the map starts over (a cheap bound with no bookkeeping per hit).
/// </summary>
public sealed class SmallFileCache(long budgetBytes = SmallFileCache.DefaultBudgetBytes)
{
    public const long DefaultBudgetBytes = 32L * 1024 * 1024;
    public const int MaxFileBytes = 64 * 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _bytes;

    public long SizeBytes => Interlocked.Read(ref _bytes);

    /// <summary>The file's bytes when it is small: from the cache when unchanged, else read (and kept); null for large files.</summary>
    public async ValueTask<byte[]?> GetAsync(string path, long length, DateTimeOffset lastModified, CancellationToken cancellationToken)
    {
        if (length > MaxFileBytes) return null;
        if (_entries.TryGetValue(path, out var entry) && entry.Content.Length == length && entry.LastModified == lastModified) return entry.Content;
        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        // Written between the stat and the read: serve what was read, keep nothing.
        if (content.Length != length) return null;
        if (Interlocked.Add(ref _bytes, content.Length) > budgetBytes)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _bytes, content.Length);
        }
        _entries[path] = new Entry(content, lastModified);
        return content;
    }

    private sealed record Entry(byte[] Content, DateTimeOffset LastModified);
}
