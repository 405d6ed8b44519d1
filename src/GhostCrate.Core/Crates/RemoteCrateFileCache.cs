using System.Collections.Concurrent;

namespace GhostCrate.Core.Crates;

/// <summary>
/// Small .crate files of a store that is not on this machine (S3), kept in memory by checksum, so a download of a
/// busy version costs no request to the store. A published version's bytes never change and the key is their SHA-256,
/// so an entry can never be out of date; whether the version may still be downloaded is decided before the cache is
/// asked (<see cref="DownloadService"/>). Bounded by Registry:DownloadCacheMegabytes, starting over as
/// <see cref="Caching.StartOverGate"/> allows.
/// </summary>
public sealed class RemoteCrateFileCache(long budgetBytes, TimeProvider time)
{
    /// <summary>Larger files are streamed from the store each time: a request to S3 matters less next to their transfer.</summary>
    public const int MaxFileBytes = 256 * 1024;

    private readonly ConcurrentDictionary<string, CachedCrateFile> _entries = new(StringComparer.Ordinal);
    private long _bytes;
    private readonly Caching.StartOverGate _startOver = new(time);

    public bool Enabled => budgetBytes > 0;

    public long SizeBytes => Interlocked.Read(ref _bytes);

    public CachedCrateFile? TryGet(string checksum) => _entries.TryGetValue(checksum, out var file) ? file : null;

    public void Store(CachedCrateFile file)
    {
        if (!Enabled || file.Content.Length > MaxFileBytes) return;
        if (Interlocked.Read(ref _bytes) + file.Content.Length > budgetBytes)
        {
            // Full: served from the caller's copy and not kept, unless the map may start over now.
            if (!_startOver.TryStartOver()) return;
            _entries.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
        if (_entries.TryAdd(file.Checksum, file)) Interlocked.Add(ref _bytes, file.Content.Length);
    }
}

/// <summary>A whole .crate file in memory, with the headers a download answers with, made once.</summary>
public sealed record CachedCrateFile(string Checksum, byte[] Content, DateTimeOffset? LastModified)
{
    /// <summary>The ETag header value (the quoted checksum).</summary>
    public string ETag { get; } = LocalCrateFile.QuotedChecksum(Checksum);

    /// <summary>The Last-Modified header value (RFC 9110 IMF-fixdate), or null when the store gave no time.</summary>
    public string? LastModifiedHeader { get; } = LastModified?.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
