using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// What follows the caching of a verified .crate, done after the download is answered: the usage row of the status
/// page (proxy_crate_files), the crate's advisory findings, and its content flags. None of it decides what is served,
/// so a first build does not wait for three database writes and an unpack per crate. One drain at a time works the
/// queue in order; a failure is logged per item and the queue moves on. Disposing waits for the queue to drain, so a
/// host that stops normally loses nothing; a crash loses what was queued, as it would lose a request in flight (the
/// file itself is stored before anything is queued, and the next version fetched recomputes the crate's advisories).
/// <para>
/// It yields to the build that queued it (<see cref="QuietHold"/>): an item is worked only once no new crate arrived
/// for <see cref="QuietPeriod"/>, at most <see cref="MaxHoldBack"/> held back. The unpack of every .crate and three
/// database writes per crate run on the same cores as the server's answers and cargo itself, and a first build's
/// downloads come in a burst. <see cref="WhenIdleAsync"/> and disposal do not wait for quiet.
/// </para>
/// </summary>
public sealed class CachedCrateFollowUp(
    IProxyCacheRepository cache,
    IBlobStore blobs,
    Advisories.AdvisoryService advisories,
    ContentChecks.ProxiedCrateFlagger contentFlags,
    TimeProvider time,
    ILogger<CachedCrateFollowUp> logger) : IAsyncDisposable, IDisposable
{
    /// <summary>How long no new crate must have arrived before an item is worked (<see cref="QuietHold.QuietPeriod"/>).</summary>
    public static readonly TimeSpan QuietPeriod = QuietHold.QuietPeriod;

    /// <summary>The longest the drain holds back for arrivals before it works the whole queue regardless.</summary>
    public static readonly TimeSpan MaxHoldBack = QuietHold.MaxHoldBack;

    /// <summary>
    /// Bytes of queued crates kept in memory at most; past it an item is queued without them and its flags read the
    /// stored file. A burst of cold downloads (a warm-up of thousands of crates) then costs a bounded amount of memory,
    /// however far the bookkeeping falls behind.
    /// </summary>
    public const long MaxQueuedBytes = 64L * 1024 * 1024;

    private readonly Queue<CachedCrate> _queue = new();
    private readonly Lock _gate = new();
    private long _queuedBytes;
    private Task _drain = Task.CompletedTask;
    private bool _draining; // a drain task runs (it may not have taken the first item yet)
    private bool _handling; // the drain holds an item taken from the queue
    private readonly QuietHold _hold = new(time); // under _gate

    /// <summary>A .crate just stored under <paramref name="Key"/>; <paramref name="Bytes"/> when they are still in memory (else read back from the store).</summary>
    public sealed record CachedCrate(string Upstream, string Name, string Version, BlobKey Key, long Size, string Checksum, DateTimeOffset StoredAt, ArraySegment<byte>? Bytes)
    {
        /// <summary>The usage row is written already (<see cref="ProxyWriteBehind"/> writes it with the blob's batch).</summary>
        public bool RowRecorded { get; init; }
    }

    /// <summary>Items queued and not finished yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate) return _queue.Count + (_handling ? 1 : 0);
        }
    }

    /// <summary>Bytes of queued crates held in memory now (at most <see cref="MaxQueuedBytes"/>).</summary>
    public long QueuedBytes
    {
        get
        {
            lock (_gate) return _queuedBytes;
        }
    }

    public void Enqueue(CachedCrate crate)
    {
        lock (_gate)
        {
            if (crate.Bytes is { } bytes)
            {
                if (_queuedBytes + bytes.Count > MaxQueuedBytes) crate = crate with { Bytes = null };
                else _queuedBytes += bytes.Count;
            }
            _queue.Enqueue(crate);
            _hold.Arrived();
            if (_draining) return;
            _draining = true;
            // Off the request's thread: the response is written while this runs.
            _drain = Task.Run(DrainAsync);
        }
    }

    /// <summary>Completes once everything queued so far has been handled (for an orderly stop); the drain stops holding back.</summary>
    public Task WhenIdleAsync()
    {
        TaskCompletionSource? wake;
        Task drain;
        lock (_gate)
        {
            drain = _drain;
            if (!_draining) return drain;
            wake = _hold.Hurry();
        }
        wake?.TrySetResult();
        return drain;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate) _hold.Stop();
        var pending = Pending;
        if (pending > 0) logger.LogInformation("Finishing the bookkeeping of {Count} newly cached crates before stopping", pending);
        await WhenIdleAsync();
    }

    // A container disposed synchronously (a CLI command's provider) must not throw for an async-only singleton.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task DrainAsync()
    {
        while (true)
        {
            CachedCrate? next = null;
            Task? wake;
            lock (_gate)
            {
                _handling = false;
                if (_queue.Count == 0)
                {
                    _draining = false;
                    _hold.Emptied();
                    return;
                }
                wake = _hold.MustWait();
                if (wake is null)
                {
                    next = _queue.Dequeue();
                    _handling = true;
                    if (next.Bytes is { } bytes) _queuedBytes -= bytes.Count;
                }
            }
            if (next is null)
            {
                await _hold.WaitAsync(wake!);
                lock (_gate) _hold.Woke();
                continue;
            }
            try
            {
                await HandleAsync(next);
            }
            catch (Exception e)
            {
                // Each step logs its own failure; this is the backstop that keeps the drain alive for the next item.
                logger.LogWarning(e, "The bookkeeping of the cached {Crate} {Version} of upstream {Upstream} failed", next.Name, next.Version, next.Upstream);
            }
        }
    }

    private async Task HandleAsync(CachedCrate crate)
    {
        var ct = CancellationToken.None;
        if (!crate.RowRecorded)
        {
            try
            {
                await cache.RecordCrateFileAsync(crate.Upstream, crate.Name.ToLowerInvariant(), crate.Version, crate.Size, crate.Checksum, crate.StoredAt, ct);
            }
            catch (Exception e)
            {
                // The blob is stored and verified; only the usage numbers of the status page miss it.
                logger.LogWarning(e, "Could not record the cached {Crate} {Version} of upstream {Upstream}", crate.Name, crate.Version, crate.Upstream);
            }
        }
        // A newly cached version of a crate with advisories is flagged (issue 20: findings on every proxy fetch); logs its own failures.
        await advisories.OnVersionStoredAsync(crate.Name, ct);
        try
        {
            // Flags come from the verified bytes (docs/security.md "Content flags"): those in hand, or the stored file.
            if (crate.Bytes is { } bytes)
            {
                await contentFlags.RecordAsync(crate.Upstream, crate.Name, crate.Version, bytes, ct);
            }
            else
            {
                await using var stored = await blobs.OpenReadAsync(crate.Key, ct);
                if (stored is null)
                    logger.LogWarning("No content flags for {Crate} {Version} of upstream {Upstream}: its stored file is gone", crate.Name, crate.Version, crate.Upstream);
                else
                    await contentFlags.RecordAsync(crate.Upstream, crate.Name, crate.Version, stored.Stream, ct);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not record the content flags of {Crate} {Version} of upstream {Upstream}", crate.Name, crate.Version, crate.Upstream);
        }
    }
}
