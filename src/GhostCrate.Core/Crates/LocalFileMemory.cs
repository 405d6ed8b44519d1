using System.Collections.Concurrent;

namespace GhostCrate.Core.Crates;

/// <summary>
/// The last stat of the local .crate files a download fast path served, by a key of the caller's choosing (a version id
/// for private crates, upstream + name + version for proxied ones). A .crate file's bytes never change once stored, so
/// a stat is trusted for <see cref="LocalFileMemory.Recheck"/>: a busy file costs a dictionary lookup instead of a stat system call,
/// and a file lost from storage is offered at most that long (and then answered as missing).
/// </summary>
public sealed class LocalFileMemory<TKey>(TimeProvider time) where TKey : notnull
{
    // Most files remembered; past it the map starts over as the gate allows (Caching.StartOverGate).
    private const int MaxRemembered = 50_000;

    private readonly ConcurrentDictionary<TKey, CheckedFile> _files = new();
    private readonly Caching.StartOverGate _startOver = new(time);
    private int _added; // ConcurrentDictionary.Count takes every lock: too dear for the download path

    /// <summary>
    /// The file of <paramref name="key"/>, stat'ed at <paramref name="path"/>(<paramref name="state"/>) when not known
    /// or due; null when it does not exist. (State and a static function: no closure allocated per download.)
    /// </summary>
    public LocalCrateFile? Find<TState>(TKey key, string checksum, TState state, Func<TState, string> path)
    {
        var now = time.GetUtcNow();
        if (_files.TryGetValue(key, out var file) && now - file.CheckedAt < LocalFileMemory.Recheck) return file.File;
        var info = new FileInfo(path(state));
        if (!info.Exists)
        {
            _files.TryRemove(key, out _);
            return null;
        }
        var lastModified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        if (file is not null && file.File.Length == info.Length && file.File.LastModified == lastModified)
        {
            // Unchanged (the usual case): keep what was made for it, or every recheck of every busy file would leave
            // seconds-old objects to the GC's oldest generation.
            file.Checked(now);
            return file.File;
        }
        var found = new CheckedFile(new LocalCrateFile(checksum, info.FullName, info.Length, lastModified), now);
        if (file is not null)
        {
            _files[key] = found; // a changed file replaces its own entry, full or not
            return found.File;
        }
        if (Volatile.Read(ref _added) >= MaxRemembered)
        {
            // Full: this file is served and not kept, unless the map may start over now.
            if (!_startOver.TryStartOver()) return found.File;
            _files.Clear();
            Interlocked.Exchange(ref _added, 0);
        }
        if (_files.TryAdd(key, found)) Interlocked.Increment(ref _added);
        else _files[key] = found;
        return found.File;
    }
}

/// <summary>What every <see cref="LocalFileMemory{TKey}"/> shares.</summary>
public static class LocalFileMemory
{
    /// <summary>
    /// How long a stat of a local .crate file is trusted. The bytes of a stored .crate never change, so this only bounds
    /// how long a file lost from storage is still offered (and is then answered as missing).
    /// </summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);
}

/// <summary>A file and when it was last stat'ed (moved forward in place when a stat finds it unchanged).</summary>
internal sealed class CheckedFile(LocalCrateFile file, DateTimeOffset checkedAt)
{
    private long _checkedAtTicks = checkedAt.UtcTicks;

    public LocalCrateFile File { get; } = file;

    public DateTimeOffset CheckedAt => new(Interlocked.Read(ref _checkedAtTicks), TimeSpan.Zero);

    public void Checked(DateTimeOffset at) => Interlocked.Exchange(ref _checkedAtTicks, at.UtcTicks);
}
