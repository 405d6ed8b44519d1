using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Fetches, in the background, the index files a cargo resolve is about to ask for. cargo resolves level by level: it
/// asks for the index files of every dependency it knows, waits for all of them, and only then learns the next level's
/// names (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol). Through a proxy with an empty
/// cache every level waits for this node's upstream fetches, one level after another. When an index file is fetched
/// from the upstream for the first time, the dependencies its newest versions name (<see cref="PrefetchNames"/>) are
/// fetched right away, while cargo is still reading the file, so that its next level is answered from memory.
/// <para>
/// Bounded: only names this node holds nowhere in memory are queued, each at most once while queued, the queue has a
/// fixed length (names that do not fit are left to cargo), and <see cref="Workers"/> fetches run at a time. A fetch
/// goes through <see cref="ProxyIndexService.GetAsync"/> like a client's (coalesced with one for the same file, stored
/// behind the answer, respecting the circuit breaker), so several nodes stay correct as they do for clients.
/// </para>
/// </summary>
public sealed class ProxyIndexPrefetch : IAsyncDisposable
{
    /// <summary>Upstream fetches at a time: enough to keep ahead of cargo, few enough to leave the CPU to answers.</summary>
    internal const int Workers = 4;
    internal const int QueueLength = 4096;

    private readonly ConcurrentDictionary<(string Upstream, string Name), byte> _queued = new();
    private readonly BoundedWorkQueue<Work> _work;
    private readonly ILogger _logger;

    public ProxyIndexPrefetch(ILogger<ProxyIndexPrefetch> logger)
    {
        _logger = logger;
        _work = new BoundedWorkQueue<Work>(Workers, QueueLength, HandleAsync);
    }

    /// <summary>Files waiting to be read and names waiting to be fetched, or being fetched (tests wait for 0).</summary>
    public int Outstanding => _work.Outstanding;

    /// <summary>
    /// Queues the dependencies of a file just fetched for the first time (cheap: the parsing runs on a worker).
    /// <paramref name="fetch"/> gets one of them the way a client's request would (<see cref="ProxyIndexService.GetAsync"/>).
    /// </summary>
    public void Offer(Upstream upstream, ReadOnlyMemory<byte> content, Func<Upstream, string, CancellationToken, Task> fetch)
    {
        _work.TryQueue(new Work(upstream, null, content, fetch));
    }

    private void Queue(Upstream upstream, string name, Func<Upstream, string, CancellationToken, Task> fetch)
    {
        // A file this node holds in memory, fresh or not, is a revalidation for cargo's own request, not a cold miss.
        if (upstream.IndexMemory.TryGet(name, out _) is not null) return;
        if (!_queued.TryAdd((upstream.Name, name), 0)) return;
        var queued = _work.TryQueue(new Work(upstream, name, default, fetch));
        if (!queued) _queued.TryRemove((upstream.Name, name), out _);
        upstream.Stats.Prefetch(queued);
    }

    private async Task HandleAsync(Work work)
    {
        if (work.Name is null)
        {
            QueueDependencies(work);
            return;
        }
        _queued.TryRemove((work.Upstream.Name, work.Name), out _);
        await FetchAsync(work);
    }

    private void QueueDependencies(Work work)
    {
        IReadOnlyCollection<string> names;
        try
        {
            names = PrefetchNames.Of(work.Content.Span);
        }
        catch (Exception e)
        {
            // An index file cargo could read is served all the same; only the guess about what comes next is lost.
            _logger.LogDebug(e, "Could not read the dependencies of an index file from {Upstream}", work.Upstream.Name);
            return;
        }
        foreach (var name in names) Queue(work.Upstream, name, work.Fetch);
    }

    private async Task FetchAsync(Work work)
    {
        var (upstream, name) = (work.Upstream, work.Name!);
        if (upstream.IndexMemory.TryGet(name, out _) is not null) return;
        try
        {
            // Not cancelled by a stop: a fetch under way finishes (bounded by the upstream's RequestTimeout) and hands
            // its file to the write-behind, which a stop drains after this class (created after it, disposed before).
            await work.Fetch(upstream, name, CancellationToken.None);
        }
        catch (Exception e)
        {
            // A prefetch is a guess: its failure is cargo's own request's to find out (and retry), not ours to report.
            _logger.LogDebug(e, "Prefetch of {Crate} from {Upstream} failed", name, upstream.Name);
        }
    }

    /// <summary>Drops what is queued and waits for the fetches under way.</summary>
    public ValueTask DisposeAsync() => _work.DisposeAsync();

    private readonly record struct Work(Upstream Upstream, string? Name, ReadOnlyMemory<byte> Content, Func<Upstream, string, CancellationToken, Task> Fetch);
}
