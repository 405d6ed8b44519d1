using GhostCrate.Core.Index;
using GhostCrate.Protocol.Client;
using GhostCrate.Protocol.Crates;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Pull-through index files. A fresh entry (younger than the upstream's Ttl) is served as is; an older one is
/// revalidated upstream with If-None-Match/If-Modified-Since, and a 304 only restarts its Ttl; when the upstream
/// fails, the last good copy is served (stale-if-error, RFC 5861 §4) and the failure is recorded. Concurrent
/// refreshes of one file are coalesced into one upstream request.
/// </summary>
public sealed class ProxyIndexService(
    IProxyCacheRepository cache,
    UpstreamGateway gateway,
    ProxyWriteBehind writeBehind,
    TimeProvider time,
    ILogger<ProxyIndexService> logger,
    ProxyIndexPrefetch? prefetch = null)
{
    /// <param name="crateName">A crate name in any case (the index is keyed by its lowercase form).</param>
    /// <param name="revalidate">Ask the upstream even when the entry is fresh (a download names a version we do not know yet).</param>
    public async Task<ProxyIndexResult> GetAsync(Upstream upstream, string crateName, bool revalidate, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(crateName) || crateName.Length > CrateName.MaxLength || !crateName.All(CrateName.IsNameChar))
            throw new ArgumentException($"`{crateName}` is not a crate name", nameof(crateName));
        var name = crateName.ToLowerInvariant();
        if (!revalidate && TryGetFresh(upstream, name) is { } remembered)
            return ProxyIndexResult.Found(new CachedIndexFile(upstream.Name, name, remembered.File.Content, remembered.File.ETag, remembered.File.LastModified, remembered.FetchedAt, IndexValidators.None));
        var memoryVersion = upstream.IndexMemory.Version;
        // A save still waiting in the write-behind is newer than the database's copy (it forgets it after the commit).
        var cached = writeBehind.FindIndexFile(upstream.Name, name) ?? await cache.FindIndexFileAsync(upstream.Name, name, cancellationToken);
        if (!revalidate && cached is not null && IsFresh(cached, upstream))
        {
            upstream.Stats.IndexHit();
            Remember(upstream, cached, memoryVersion);
            return ProxyIndexResult.Found(cached);
        }
        var key = revalidate ? name + "!" : name;
        return await upstream.IndexRefreshes.RunAsync(key, () => RefreshAsync(upstream, name, revalidate, cached)).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The file from this node's memory while it is fresh, counted as a cache hit; null when it must be read from the
    /// database or the upstream (<see cref="GetAsync"/>). Costs no query and no allocation: the index fast path asks here.
    /// A node's copy is served for at most the upstream's Ttl after its fetch, as the database's copy is: another node
    /// may refresh the database's copy meanwhile, which this node picks up when its own copy is due.
    /// </summary>
    public RememberedIndexFile? TryGetFresh(Upstream upstream, string lowercaseName)
    {
        if (upstream.IndexMemory.TryGet(lowercaseName, out var fetchedAtMs) is not { } file) return null;
        var fetchedAt = DateTimeOffset.FromUnixTimeMilliseconds(fetchedAtMs);
        if (time.GetUtcNow() - fetchedAt >= upstream.Definition.Ttl) return null;
        upstream.Stats.IndexHit();
        return new RememberedIndexFile(file, fetchedAt);
    }

    /// <summary>Keeps a fresh copy in this node's memory, unless a drop happened since <paramref name="memoryVersion"/>.</summary>
    private static void Remember(Upstream upstream, CachedIndexFile file, long memoryVersion) =>
        upstream.IndexMemory.Store(file.CrateName, new IndexFile(file.Content, file.ETag, file.LastModified) { Name = file.CrateName },
            file.FetchedAt.ToUnixTimeMilliseconds(), memoryVersion);

    private bool IsFresh(CachedIndexFile file, Upstream upstream) => time.GetUtcNow() - file.FetchedAt < upstream.Definition.Ttl;

    /// <summary>
    /// Runs detached from the requests that wait for it (see <see cref="InFlight{TKey,TResult}"/>).
    /// <paramref name="cached"/> is the database's copy as the caller read it just before.
    /// </summary>
    private async Task<ProxyIndexResult> RefreshAsync(Upstream upstream, string name, bool revalidate, CachedIndexFile? cached)
    {
        var ct = CancellationToken.None;
        var memoryVersion = upstream.IndexMemory.Version;
        // Another refresh of this node may have finished between the caller's read and this turn: it left the file in
        // memory, so no second query is needed to see it. A refresh by another node is not seen here; the cost is one
        // upstream request more, and the file saved last wins, as with any two refreshes.
        if (!revalidate && TryGetFresh(upstream, name) is { } refreshed)
            return ProxyIndexResult.Found(new CachedIndexFile(upstream.Name, name, refreshed.File.Content, refreshed.File.ETag, refreshed.File.LastModified, refreshed.FetchedAt, cached?.Upstream ?? IndexValidators.None));

        var fetched = await gateway.FetchIndexFileAsync(upstream, name, cached?.Upstream);
        var now = time.GetUtcNow();
        switch (fetched.Status)
        {
            case FetchStatus.Ok:
                if (cached is null) upstream.Stats.IndexMiss();
                else upstream.Stats.Revalidated(notModified: false);
                var content = fetched.Content!;
                var etag = SparseIndexService.ETagOf(content);
                // Our validators change only when the bytes do, so cargo's own revalidation keeps getting 304s.
                var lastModified = cached is not null && cached.ETag == etag ? cached.LastModified : TruncateToSeconds(now);
                var file = new CachedIndexFile(upstream.Name, name, content, etag, lastModified, now, fetched.Validators);
                // Saved behind the answer (cargo waits for every index file of a cold resolve); before it when the
                // write-behind's budget is full.
                if (!writeBehind.TryEnqueue(file)) await cache.SaveIndexFileAsync(file, ct);
                Remember(upstream, file, memoryVersion);
                // A first fetch is where a cold resolve is: its next level of index files is fetched ahead of cargo.
                if (cached is null && upstream.Definition.PrefetchDependencies) prefetch?.Offer(upstream, content, _fetchAhead ??= FetchAheadAsync);
                return ProxyIndexResult.Found(file);

            case FetchStatus.NotModified when cached is not null:
                upstream.Stats.Revalidated(notModified: true);
                var confirmed = cached with { FetchedAt = now, Upstream = fetched.Validators };
                // A copy whose save still waits has no row to touch yet: replace the waiting save instead.
                if (writeBehind.FindIndexFile(upstream.Name, name) is null || !writeBehind.TryEnqueue(confirmed))
                    await cache.TouchIndexFileAsync(upstream.Name, name, now, fetched.Validators, ct);
                Remember(upstream, confirmed, memoryVersion);
                return ProxyIndexResult.Found(confirmed);

            case FetchStatus.NotFound:
                if (cached is not null)
                {
                    // The upstream removed the crate (crates.io deletes crates on request); follow it.
                    logger.LogInformation("Upstream {Upstream} no longer has {Crate}; dropping its cached index file", upstream.Name, name);
                    // A save of this file still waiting behind an answer would land after the delete: let it land first
                    // (rare: a crate deleted upstream within moments of its fetch).
                    if (writeBehind.FindIndexFile(upstream.Name, name) is not null) await writeBehind.WhenIdleAsync();
                    await cache.DeleteIndexFileAsync(upstream.Name, name, ct);
                }
                upstream.IndexMemory.Invalidate(name);
                return ProxyIndexResult.NotFound;

            default:
                var error = fetched.Error ?? $"unexpected answer HTTP {fetched.HttpStatus}";
                if (cached is null) return ProxyIndexResult.Unavailable(error);
                upstream.Stats.StaleServed();
                return ProxyIndexResult.Found(cached, stale: true);
        }
    }

    private Func<Upstream, string, CancellationToken, Task>? _fetchAhead;

    private Task FetchAheadAsync(Upstream upstream, string name, CancellationToken cancellationToken) => GetAsync(upstream, name, revalidate: false, cancellationToken);

    // HTTP dates have second precision; more would make If-Modified-Since never match.
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}

/// <summary>A proxied index file from a node's memory, and when the upstream last confirmed it.</summary>
public readonly record struct RememberedIndexFile(IndexFile File, DateTimeOffset FetchedAt);
