using System.Collections.Concurrent;

namespace GhostCrate.Web.Http;

/// <summary>
/// The bytes of small, often downloaded .crate files (most crates are a few KB), so a download costs a stat instead
/// of an open, a read and a close (nginx's open_file_cache plays the same role). An entry is used only while the
/// file's length and modification time are unchanged, so a replaced or removed file is never served from here.
/// Bounded by a byte budget (Registry:DownloadCacheMegabytes), starting over as <see cref="Core.Caching.StartOverGate"/>
/// allows. (Starting over at every fill, with 20k files downloaded at random at 100k crates, had added ~60 MB to the
/// process's peak.)
/// </summary>
/// <param name="budgetBytes">Registry:DownloadCacheMegabytes in bytes (its default lives in RegistryOptions).</param>
/// <param name="time">The clock of the start-over interval; the system's unless a test passes one.</param>
public sealed class SmallFileCache(long budgetBytes, TimeProvider? time = null)
{
    public const int MaxFileBytes = 64 * 1024;
    private readonly Core.Caching.StartOverGate _startOver = new(time ?? TimeProvider.System);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _bytes;

    public long SizeBytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// The file's bytes when it is small: from the cache when unchanged, else read (and kept while the budget is not 0);
    /// null for large files and when the file no longer has the stat's length.
    /// </summary>
    public byte[]? Get(string path, long length, DateTimeOffset lastModified)
    {
        if (length > MaxFileBytes) return null;
        if (_entries.TryGetValue(path, out var entry) && entry.Content.Length == length && entry.LastModified == lastModified) return entry.Content;
        var content = Read(path, length);
        // Changed between the stat and the read: keep nothing, the caller streams the file instead.
        if (content is null) return null;
        if (budgetBytes <= 0) return content;
        if (Interlocked.Read(ref _bytes) + content.Length > budgetBytes && !TryStartOver()) return content;
        Interlocked.Add(ref _bytes, content.Length);
        _entries[path] = new Entry(content, lastModified);
        return content;
    }

    /// <summary>Empties the map when the gate allows it (one caller wins).</summary>
    private bool TryStartOver()
    {
        if (!_startOver.TryStartOver()) return false;
        _entries.Clear();
        Interlocked.Exchange(ref _bytes, 0);
        return true;
    }

    /// <summary>
    /// A blocking read: a small file just stat'ed is almost always in the kernel's page cache, and an asynchronous read
    /// costs a hand-off to the thread pool and back (more than the read itself). Null when the length changed.
    /// </summary>
    private static byte[]? Read(string path, long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var content = new byte[length];
        return RandomAccess.Read(handle, content, 0) == length ? content : null;
    }

    private sealed record Entry(byte[] Content, DateTimeOffset LastModified);
}
