using System.Collections.Concurrent;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Stores what the proxy fetched after the client has its answer: a verified .crate's blob (with the file store's
/// fsyncs) and its usage row, and a fetched index file's row. A cold build asks for hundreds of files it is waiting
/// for; none of them should wait for a disk flush or a database commit. Items are worked in batches, the rows of a
/// batch in one transaction.
/// <para>
/// The rules it keeps. A .crate's row is written only after its blob is stored (the store's put is atomic and
/// durable when it returns), so a crash or a failed put loses cache entries, never leaves a row pointing at an absent
/// or partial blob. A batch's .crate files are stored together where the store can stage them (the file store: one
/// sync of the file system for all of them instead of two fsyncs each; <see cref="IStagedBlobBatch"/>): staged out of
/// sight, made durable, only then moved into place, because a cached .crate is served whenever its blob exists, so a
/// blob must never be visible before its bytes are durable. Until an item is written, this node serves its bytes from here (<see cref="FindCrate"/>,
/// <see cref="FindIndexFile"/>), so a second request never fetches the file upstream again. Memory is bounded
/// (<see cref="MaxPendingBytes"/>): past it the caller stores before answering, as without write-behind. Other nodes
/// do not see a pending item; they fetch and store the file themselves (puts if absent, upserts), and the last save
/// of an index file wins as with any two refreshes. Disposing waits for the queue to drain.
/// </para>
/// <para>
/// It yields to the build that queued it, as <see cref="CachedCrateFollowUp"/> does (<see cref="QuietHold"/>): a batch
/// is written only once nothing new arrived for <see cref="QuietPeriod"/>. A database transaction and a sync of the
/// file system per handful of files, worked during a cold build's burst, take their CPU from the very requests they
/// follow, while written after it they are a few large batches. Bounded: after <see cref="MaxHoldBack"/> of holding
/// back, or once half of <see cref="MaxPendingBytes"/> waits (so a burst of large downloads does not fill the budget
/// and make its callers store before answering), the queue is written without pausing until it is empty.
/// <see cref="WhenIdleAsync"/> and disposal do not wait for quiet.
/// </para>
/// </summary>
public sealed class ProxyWriteBehind(
    IProxyCacheRepository cache,
    IBlobStore blobs,
    IBlobBatchStore batches,
    CachedCrateFollowUp followUp,
    TimeProvider time,
    ILogger<ProxyWriteBehind> logger) : IAsyncDisposable, IDisposable
{
    /// <summary>Bytes waiting to be stored at most (crates and index files together).</summary>
    public const long MaxPendingBytes = 64L * 1024 * 1024;

    /// <summary>Items written per batch (one database transaction) at most.</summary>
    public const int MaxBatch = 128;

    /// <summary>How long nothing new must have arrived before a batch is written (<see cref="QuietHold.QuietPeriod"/>).</summary>
    public static readonly TimeSpan QuietPeriod = QuietHold.QuietPeriod;

    /// <summary>The longest the drain holds back for arrivals before it writes the whole queue regardless.</summary>
    public static readonly TimeSpan MaxHoldBack = QuietHold.MaxHoldBack;

    /// <summary>A verified .crate waiting for its blob and row.</summary>
    public sealed record PendingCrate(string Upstream, string Name, string Version, BlobKey Key, ArraySegment<byte> Bytes, string Checksum, DateTimeOffset StoredAt);

    private readonly ConcurrentDictionary<string, PendingCrate> _crates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Upstream, string Name), CachedIndexFile> _indexFiles = new();
    private readonly Queue<object> _queue = new();
    private readonly Lock _gate = new();
    private long _pendingBytes;
    private Task _drain = Task.CompletedTask;
    private bool _draining;
    private int _handling;
    private readonly QuietHold _hold = new(time); // under _gate

    /// <summary>Items queued or being written.</summary>
    public int Pending
    {
        get
        {
            lock (_gate) return _queue.Count + _handling;
        }
    }

    /// <summary>Queues a verified .crate; false when the budget is full (then store it before answering).</summary>
    public bool TryEnqueue(PendingCrate crate)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_pendingBytes + crate.Bytes.Count > MaxPendingBytes) return false;
            _pendingBytes += crate.Bytes.Count;
            _crates[crate.Key.Path] = crate;
            wake = Start(crate);
        }
        wake?.TrySetResult();
        return true;
    }

    /// <summary>Queues an index file's save (a later one of the same file replaces it); false when the budget is full.</summary>
    public bool TryEnqueue(CachedIndexFile file)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            if (_pendingBytes + file.Content.Length > MaxPendingBytes) return false;
            _pendingBytes += file.Content.Length;
            _indexFiles[(file.UpstreamName, file.CrateName)] = file;
            wake = Start(file);
        }
        wake?.TrySetResult();
        return true;
    }

    /// <summary>The .crate under <paramref name="key"/> when it waits here to be stored.</summary>
    public PendingCrate? FindCrate(BlobKey key) => _crates.GetValueOrDefault(key.Path);

    /// <summary>The index file (lowercase name) when its save waits here: newer than the database's copy.</summary>
    public CachedIndexFile? FindIndexFile(string upstream, string crateName) => _indexFiles.GetValueOrDefault((upstream, crateName));

    /// <summary>Completes once everything queued so far is written (tests, warming, an orderly stop); the drain stops holding back.</summary>
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
        if (pending > 0) logger.LogInformation("Storing {Count} proxied files before stopping", pending);
        await WhenIdleAsync();
    }

    // A container disposed synchronously (a CLI command's provider) must not throw for an async-only singleton.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Under <see cref="_gate"/>: queues the item; the drain's wait to end early when the queue should be written now.</summary>
    private TaskCompletionSource? Start(object item)
    {
        _queue.Enqueue(item);
        _hold.Arrived();
        if (!_draining)
        {
            _draining = true;
            // Off the request's thread: the answer is written while this runs.
            _drain = Task.Run(DrainAsync);
            return null;
        }
        return _hold.Hurrying || _pendingBytes <= MaxPendingBytes / 2 ? null : _hold.Hurry();
    }

    private async Task DrainAsync()
    {
        var batch = new List<object>(MaxBatch);
        while (true)
        {
            batch.Clear();
            Task? wake;
            lock (_gate)
            {
                _handling = 0;
                if (_queue.Count == 0)
                {
                    _draining = false;
                    _hold.Emptied();
                    return;
                }
                wake = _hold.MustWait();
                if (wake is null)
                {
                    while (batch.Count < MaxBatch && _queue.TryDequeue(out var item)) batch.Add(item);
                    _handling = batch.Count;
                }
            }
            if (wake is not null)
            {
                await _hold.WaitAsync(wake);
                lock (_gate) _hold.Woke();
                continue;
            }
            try
            {
                await WriteAsync(batch);
            }
            catch (Exception e)
            {
                // WriteAsync logs its own failures; this backstop keeps the drain alive for the next batch.
                logger.LogWarning(e, "Storing a batch of {Count} proxied files failed", batch.Count);
            }
            finally
            {
                Release(batch);
            }
        }
    }

    private async Task WriteAsync(List<object> batch)
    {
        var ct = CancellationToken.None;
        var crates = batch.OfType<PendingCrate>().ToList();
        var stored = crates.Count == 0 ? crates : batches.StartStaged() is { } staged ? await StoreStagedAsync(staged, crates, ct) : await StoreEachAsync(crates, ct);

        // The latest waiting copy of each index file of the batch (a later save of the same file replaced an earlier one).
        var files = batch.OfType<CachedIndexFile>()
            .Select(f => _indexFiles.GetValueOrDefault((f.UpstreamName, f.CrateName)))
            .OfType<CachedIndexFile>()
            .Distinct()
            .ToList();
        var rows = stored.Select(c => new CachedCrateRecord(c.Upstream, c.Name.ToLowerInvariant(), c.Version, c.Bytes.Count, c.Checksum, c.StoredAt)).ToList();
        try
        {
            await cache.SaveBatchAsync(files, rows, ct);
        }
        catch (Exception e)
        {
            // Cache entries lost, nothing wrong stored: the index files are fetched again when asked for, and the blobs
            // are served (only the status page's usage numbers miss them).
            logger.LogWarning(e, "Could not record {IndexFiles} proxied index files and {Crates} .crate files", files.Count, rows.Count);
        }
        foreach (var file in files) _indexFiles.TryRemove(new KeyValuePair<(string, string), CachedIndexFile>((file.UpstreamName, file.CrateName), file));
        foreach (var crate in stored)
        {
            // The bookkeeping that decides nothing about serving (advisories, content flags) follows, as before.
            followUp.Enqueue(new CachedCrateFollowUp.CachedCrate(crate.Upstream, crate.Name, crate.Version, crate.Key, crate.Bytes.Count, crate.Checksum, crate.StoredAt, crate.Bytes) { RowRecorded = true });
        }
    }

    /// <summary>
    /// The batch's .crate files staged, checked against the checksum they were verified with, and committed at once
    /// (durable, then in place); the crates stored, none when the commit fails (no row, so they are fetched again).
    /// A staged copy that fails or is not the verified bytes cannot be taken out of a staged batch, so then the batch
    /// is dropped uncommitted and the others are stored one by one.
    /// </summary>
    private async Task<List<PendingCrate>> StoreStagedAsync(IStagedBlobBatch staged, List<PendingCrate> crates, CancellationToken ct)
    {
        var stagedWell = new List<PendingCrate>(crates.Count);
        await using (staged)
        {
            foreach (var crate in crates)
            {
                if (await TryStageAsync(staged, crate, ct)) stagedWell.Add(crate);
            }
            if (stagedWell.Count == crates.Count)
            {
                try
                {
                    await staged.CommitAsync(ct);
                    return stagedWell;
                }
                catch (Exception e)
                {
                    // Some may have moved into place (durable before they moved); without rows they are only missing
                    // from the status page's numbers, and the others are fetched again.
                    logger.LogWarning(e, "Could not store {Count} proxied .crate files; they were served but are not cached", crates.Count);
                    return [];
                }
            }
        }
        return await StoreEachAsync(stagedWell, ct);
    }

    private async Task<bool> TryStageAsync(IStagedBlobBatch staged, PendingCrate crate, CancellationToken ct)
    {
        try
        {
            await using var bytes = BytesOf(crate);
            var facts = await staged.StageAsync(crate.Key, bytes, ct);
            // The staged copy is the one that becomes the blob: it must be the bytes that were verified.
            if (facts.Size != crate.Bytes.Count || !string.Equals(facts.Sha256, crate.Checksum, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"the staged copy has sha256 {facts.Sha256} ({facts.Size} bytes), not the verified {crate.Checksum}");
            return true;
        }
        catch (Exception e)
        {
            LogNotCached(e, crate);
            return false;
        }
    }

    /// <summary>A store that cannot stage (S3, whose puts are durable when they return): one put each.</summary>
    private async Task<List<PendingCrate>> StoreEachAsync(List<PendingCrate> crates, CancellationToken ct)
    {
        var stored = new List<PendingCrate>(crates.Count);
        foreach (var crate in crates)
        {
            try
            {
                await using var bytes = BytesOf(crate);
                await blobs.PutAsync(crate.Key, bytes, BlobPutMode.IfAbsent, ct);
                stored.Add(crate);
            }
            catch (Exception e)
            {
                LogNotCached(e, crate);
            }
        }
        return stored;
    }

    private static MemoryStream BytesOf(PendingCrate crate) => new(crate.Bytes.Array!, crate.Bytes.Offset, crate.Bytes.Count, writable: false);

    // Not stored, so no row: the next request for it fetches it from the upstream again.
    private void LogNotCached(Exception e, PendingCrate crate) =>
        logger.LogWarning(e, "Could not store the proxied {Crate} {Version} of upstream {Upstream}; it was served but is not cached", crate.Name, crate.Version, crate.Upstream);

    /// <summary>Forgets the batch's crates (stored now, or failed: fetched again) and returns its bytes to the budget.</summary>
    private void Release(List<object> batch)
    {
        long bytes = 0;
        foreach (var item in batch)
        {
            switch (item)
            {
                case PendingCrate crate:
                    _crates.TryRemove(new KeyValuePair<string, PendingCrate>(crate.Key.Path, crate));
                    bytes += crate.Bytes.Count;
                    break;
                case CachedIndexFile file:
                    bytes += file.Content.Length;
                    break;
            }
        }
        lock (_gate) _pendingBytes -= bytes;
    }
}
