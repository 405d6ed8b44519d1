using System.Collections.Concurrent;

namespace GhostCrate.Core.Index;

/// <summary>
/// Stored index files kept in memory with their ETag, so a warm request or a 304 costs no database query. An entry is
/// exactly the stored row it was read from (<see cref="IIndexFileStore"/>), tagged with that row's change counter
/// value; it is dropped when a newer write to the crate is known:
/// <list type="bullet">
/// <item>a write on this node drops the crate's entry as soon as it has committed (<see cref="Invalidate"/>);</item>
/// <item>every other write is learned from the change counter by <see cref="IndexChangeFollower"/>, which calls
/// <see cref="Apply"/> with what changed after the value it saw last.</item>
/// </list>
/// No clock decides anything here. A read from the store that overlaps a drop stores nothing (<see cref="Version"/>).
/// Memory is bounded by a byte budget with second-chance (CLOCK) eviction: often requested files stay.
/// </summary>
public sealed class IndexFileCache(long budgetBytes)
{
    // Per-entry bookkeeping (dictionary node, entry object, key string) on top of the file's bytes.
    private const int EntryOverheadBytes = 256;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _evictLock = new();
    private long _bytes;
    private long _invalidations;

    public bool Enabled => budgetBytes > 0;

    public long SizeBytes => Interlocked.Read(ref _bytes);

    public int Count => _entries.Count;

    /// <summary>Changes on every drop; a read from the store that started before one must not be stored.</summary>
    public long Version => Interlocked.Read(ref _invalidations);

    /// <summary>The cached file, or null (then read it from the store and <see cref="Store"/> it).</summary>
    public IndexFile? TryGet(string canonicalName)
    {
        if (!_entries.TryGetValue(canonicalName, out var entry)) return null;
        if (!entry.Touched) entry.Touched = true; // a read, not a write, on the hot path: the line stays shared
        return entry.File;
    }

    /// <summary>The cached file with the change counter value it was stored with, or null.</summary>
    public IndexFile? TryGet(string key, out long seq)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            seq = 0;
            return null;
        }
        if (!entry.Touched) entry.Touched = true;
        seq = entry.Seq;
        return entry.File;
    }

    /// <summary>Keeps a file read from the store, unless a drop happened since <paramref name="versionBeforeRead"/>.</summary>
    public void Store(string canonicalName, IndexFile file, long seq, long versionBeforeRead)
    {
        if (!Enabled) return;
        var size = file.Content.Length + canonicalName.Length * 2 + EntryOverheadBytes;
        if (size > budgetBytes / 4) return;
        if (Version != versionBeforeRead) return; // a write committed while we read: our bytes may be old
        // What a 304 reads (the key, the file and its ETag, the entry, and the dictionary's node that TryAdd makes
        // next) is allocated here in one run, so it lies together in memory: the key came with the first request and
        // the file with its read, far apart, and each object a 304 visits was a cache miss of its own.
        var key = new string(canonicalName);
        var entry = new Entry(file with { ETag = new string(file.ETag) }, seq, size);
        if (_entries.TryGetValue(canonicalName, out var existing))
        {
            if (existing.Seq >= seq || !_entries.TryUpdate(canonicalName, entry, existing)) return;
            Interlocked.Add(ref _bytes, entry.Size - existing.Size);
        }
        else
        {
            if (!_entries.TryAdd(key, entry)) return;
            Interlocked.Add(ref _bytes, entry.Size);
        }
        // A drop may have raced between the version check and the insert: remove what we just stored.
        if (Version != versionBeforeRead) Remove(canonicalName, entry);
        if (Interlocked.Read(ref _bytes) > budgetBytes) Evict(spare: entry);
    }

    /// <summary>
    /// Raised with a crate's canonical name whenever its file changed (on this node or, through the change counter,
    /// on another): what else a node remembers per crate (DownloadService's known versions) follows the same signal,
    /// so a deleted version stops being served wherever the index stops listing it.
    /// </summary>
    public event Action<string>? Changed;

    /// <summary>Called after a write to the crate's file has committed on this node (or may have).</summary>
    public void Invalidate(string canonicalName)
    {
        Interlocked.Increment(ref _invalidations);
        if (_entries.TryRemove(canonicalName, out var removed)) Interlocked.Add(ref _bytes, -removed.Size);
        Changed?.Invoke(canonicalName);
    }

    /// <summary>Drops every entry older than the write that a change reports (changes read from the counter).</summary>
    public void Apply(IReadOnlyList<IndexFileChange> changes)
    {
        if (changes.Count == 0) return;
        Interlocked.Increment(ref _invalidations);
        foreach (var change in changes)
        {
            if (_entries.TryGetValue(change.CanonicalName, out var entry) && entry.Seq < change.Seq) Remove(change.CanonicalName, entry);
            Changed?.Invoke(change.CanonicalName);
        }
    }

    /// <summary>Drops everything (the change feed was lost and could not be followed).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _invalidations);
        foreach (var (name, entry) in _entries) Remove(name, entry);
    }

    private void Remove(string canonicalName, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(canonicalName, entry))) Interlocked.Add(ref _bytes, -entry.Size);
    }

    /// <summary>CLOCK: entries requested since the last sweep get a second chance; the sweep stops at 90 % of the budget.</summary>
    /// <param name="spare">The entry just stored, which must not pay for its own room.</param>
    private void Evict(Entry spare)
    {
        if (!_evictLock.TryEnter()) return;
        try
        {
            var target = budgetBytes * 9 / 10;
            for (var round = 0; round < 2 && Interlocked.Read(ref _bytes) > target; round++)
            {
                foreach (var (name, entry) in _entries)
                {
                    if (Interlocked.Read(ref _bytes) <= target) break;
                    if (ReferenceEquals(entry, spare)) continue;
                    if (entry.Touched) entry.Touched = false;
                    else Remove(name, entry);
                }
            }
        }
        finally
        {
            _evictLock.Exit();
        }
    }

    private sealed class Entry(IndexFile file, long seq, long size)
    {
        public IndexFile File { get; } = file;
        /// <summary>The change counter value of the stored row this entry holds.</summary>
        public long Seq { get; } = seq;
        public long Size { get; } = size;
        public volatile bool Touched;
    }
}
