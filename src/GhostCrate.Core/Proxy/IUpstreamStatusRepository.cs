namespace GhostCrate.Core.Proxy;

/// <summary>
/// Counters and health of one upstream. Used both as a delta (what one process saw since its last flush) and as
/// totals (what the database holds). Timestamps keep the latest value when added.
/// </summary>
public sealed record UpstreamCounters
{
    public static UpstreamCounters Zero { get; } = new();

    /// <summary>Index files served from a fresh cache entry.</summary>
    public long IndexHits { get; init; }
    /// <summary>Index files we did not have and fetched.</summary>
    public long IndexMisses { get; init; }
    /// <summary>Stale entries checked with the upstream (conditional request).</summary>
    public long Revalidations { get; init; }
    /// <summary>Revalidations the upstream answered with 304.</summary>
    public long NotModified { get; init; }
    /// <summary>Stale entries served because the upstream failed (stale-if-error).</summary>
    public long StaleServed { get; init; }
    /// <summary>.crate downloads served from the blob store.</summary>
    public long CrateHits { get; init; }
    /// <summary>.crate files fetched from the upstream, verified and stored.</summary>
    public long CrateMisses { get; init; }
    /// <summary>.crate files refused because their sha256 did not match the index `cksum`.</summary>
    public long ChecksumMismatches { get; init; }
    /// <summary>Upstream requests that failed (unreachable, timeout, 5xx, bad body).</summary>
    public long Errors { get; init; }
    public DateTimeOffset? LastSuccessAt { get; init; }
    public DateTimeOffset? LastErrorAt { get; init; }
    public string? LastError { get; init; }

    public bool IsEmpty => this == Zero;

    public UpstreamCounters Add(UpstreamCounters other) => new()
    {
        IndexHits = IndexHits + other.IndexHits,
        IndexMisses = IndexMisses + other.IndexMisses,
        Revalidations = Revalidations + other.Revalidations,
        NotModified = NotModified + other.NotModified,
        StaleServed = StaleServed + other.StaleServed,
        CrateHits = CrateHits + other.CrateHits,
        CrateMisses = CrateMisses + other.CrateMisses,
        ChecksumMismatches = ChecksumMismatches + other.ChecksumMismatches,
        Errors = Errors + other.Errors,
        LastSuccessAt = Latest(LastSuccessAt, other.LastSuccessAt),
        LastErrorAt = Latest(LastErrorAt, other.LastErrorAt),
        LastError = other.LastErrorAt is { } theirs && (LastErrorAt is null || theirs >= LastErrorAt) ? other.LastError : LastError,
    };

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a >= b ? a : b;
}

/// <summary>Port for the persisted counters and health of each upstream (summed over every server process).</summary>
public interface IUpstreamStatusRepository
{
    /// <summary>The totals of an upstream; <see cref="UpstreamCounters.Zero"/> when nothing was recorded yet.</summary>
    Task<UpstreamCounters> GetAsync(string upstream, CancellationToken cancellationToken);

    /// <summary>Adds a delta to the totals (creating the row on first use). Safe to call concurrently from several processes.</summary>
    Task AddAsync(string upstream, UpstreamCounters delta, CancellationToken cancellationToken);
}
