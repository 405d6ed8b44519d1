using System.Runtime.CompilerServices;
using GhostCrate.Core.Policy;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Fetches, in the background, the .crate a client is about to download: the newest release
/// (<see cref="IndexLineVersions.NewestRelease"/>) of every index file a client reads through a mount. cargo resolves
/// first and downloads after, on one connection, one file after another: against a static server every answer is
/// there when cargo looks, so it fetches all its files and then unpacks them; through a proxy with an empty cache each
/// answer waits for the upstream, and cargo's unpacking, the proxy's fetch and the answer follow each other for every
/// crate (bench/README.md, "Session 26"). A fresh resolve takes the newest release of most dependencies, so most of
/// them are then answered from the cache.
/// <para>
/// Bounded: each copy of an index file a node holds in memory is offered once (a hit costs a lookup), the queue has a
/// fixed length (what does not fit is left to cargo), <see cref="Workers"/> fetches run at a time once the clients'
/// index reads pause (<see cref="ResolveQuiet"/>), and a version the
/// download policy or the quarantine refuses is never fetched, as for a client. A fetch goes through
/// <see cref="ProxyDownloadService.EnsureStoredAsync"/> like a client's download (coalesced with one for the same
/// file, its checksum checked, stored behind, the circuit breaker respected), so several nodes stay correct as they
/// do for clients. Costs an upstream download for each crate read whose newest release nobody downloads (a project
/// locked to older versions), at most once per index file while this node holds it.
/// </para>
/// </summary>
public sealed class ProxyCratePrefetch : IAsyncDisposable
{
    /// <summary>
    /// Downloads at a time, as many as the index prefetch runs: against a real upstream each download waits tens of
    /// milliseconds on the network, which cargo, one download after another on its connection, would wait in turn.
    /// </summary>
    internal const int Workers = 4;
    internal const int QueueLength = 4096;

    private readonly Func<Upstream, string, string, CancellationToken, Task> _fetch;
    private readonly ILogger _logger;
    private readonly BoundedWorkQueue<Work> _work;
    // The index file contents already offered: a node's copy of a file is one array from its fetch until the next
    // fetch replaces it (a 304 keeps it), so a hit asks here without a lock and a changed file is offered again.
    private readonly ConditionalWeakTable<byte[], object> _offered = new();
    private static readonly object Offered = new();
    private readonly CancellationTokenSource _stop = new();
    private long _lastOffer; // UTC ticks of the last offer
    private readonly TimeProvider _time;

    /// <summary>How long no index file must have been offered before a download starts: longer than the gaps between a resolve's requests.</summary>
    public static readonly TimeSpan ResolveQuiet = TimeSpan.FromMilliseconds(15);

    /// <summary>The longest a download waits for the reads to pause (counted in waits, not read from the clock).</summary>
    public static readonly TimeSpan MaxQuietWait = TimeSpan.FromSeconds(1);

    private static readonly int MaxQuietWaits = (int)Math.Ceiling(MaxQuietWait / ResolveQuiet);

    public ProxyCratePrefetch(ProxyDownloadService downloads, DownloadPolicy policy, ProxyQuarantine quarantine, TimeProvider time, ILogger<ProxyCratePrefetch> logger)
        : this((upstream, name, version, ct) => FetchUnlessRefusedAsync(downloads, policy, quarantine, upstream, name, version, ct), logger, time)
    {
    }

    /// <param name="fetch">Stores one version of a crate as a client's download would: the host's is the constructor above; tests pass their own.</param>
    public ProxyCratePrefetch(Func<Upstream, string, string, CancellationToken, Task> fetch, ILogger logger, TimeProvider? time = null)
    {
        _fetch = fetch;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _work = new BoundedWorkQueue<Work>(Workers, QueueLength, FetchAsync);
    }

    /// <summary>Files offered and not yet looked at, or crates being fetched (tests wait for 0).</summary>
    public int Outstanding => _work.Outstanding;

    /// <summary>
    /// A client read <paramref name="content"/>, the index file of <paramref name="name"/> (lowercase), through the
    /// mount of <paramref name="upstream"/>. Cheap: a lookup, and the reading of the file runs on a worker.
    /// </summary>
    public void Offer(Upstream upstream, string name, byte[] content)
    {
        // Every index hit of every connection passes here: the shared time is written at most once a millisecond, so
        // the socket threads do not pass its cache line back and forth on every request (the wait is 15 ms).
        var now = _time.GetUtcNow().UtcTicks;
        var last = Volatile.Read(ref _lastOffer);
        if (now - last >= TimeSpan.TicksPerMillisecond || now < last) Volatile.Write(ref _lastOffer, now); // or the clock went back
        if (_work.Stopping || !upstream.Definition.PrefetchCrates || _offered.TryGetValue(content, out _)) return;
        if (!_offered.TryAdd(content, Offered)) return; // another request offered it a moment ago
        upstream.Stats.CratePrefetch(_work.TryQueue(new Work(upstream, name, content)));
    }

    private async Task FetchAsync(Work work)
    {
        // While clients are still reading index files (a resolve under way), their answers come first: the downloads
        // start once no file was offered for ResolveQuiet, when cargo is done resolving. Measured with the bench's
        // first build (bench/README.md, "Session 26"): without this wait the downloads slowed the resolve itself. A
        // node whose clients never pause still gets its downloads, after MaxQuietWait.
        for (var waits = 0; waits < MaxQuietWaits && _time.GetUtcNow().UtcTicks - Volatile.Read(ref _lastOffer) < ResolveQuiet.Ticks; waits++)
        {
            try
            {
                await Task.Delay(ResolveQuiet, _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return; // a stop drops what has not started
            }
        }
        if (_work.Stopping) return;
        try
        {
            if (IndexLineVersions.NewestRelease(work.Content) is not { } version) return;
            // Not cancelled by a stop: a fetch under way finishes (bounded by the upstream's RequestTimeout) and hands
            // its file to the write-behind, which a stop drains after this class (created after it, disposed before).
            await _fetch(work.Upstream, work.Name, version.ToString(), CancellationToken.None);
        }
        catch (Exception e)
        {
            // A guess: its failure is cargo's own download's to find out (and report), not ours.
            _logger.LogDebug(e, "Prefetch of the newest release of {Crate} from {Upstream} failed", work.Name, work.Upstream.Name);
        }
    }

    /// <summary>As the mount's download endpoint decides before it fetches: a refused version never reaches the cache.</summary>
    private static async Task FetchUnlessRefusedAsync(ProxyDownloadService downloads, DownloadPolicy policy, ProxyQuarantine quarantine,
        Upstream upstream, string name, string version, CancellationToken cancellationToken)
    {
        if ((await policy.CheckAsync(Advisories.VersionSources.Proxy(upstream.Name), name, version, cancellationToken)
             ?? await quarantine.CheckAsync(upstream, name, version, cancellationToken)) is not null) return;
        await downloads.EnsureStoredAsync(upstream, name, version, cancellationToken);
    }

    /// <summary>Drops what is queued or waiting for the reads to pause, and waits for the fetches under way.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _work.DisposeAsync();
        _stop.Dispose();
    }

    private readonly record struct Work(Upstream Upstream, string Name, byte[] Content);
}
