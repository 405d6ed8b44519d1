using System.Threading.Channels;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// A fixed number of background workers over a queue of fixed length that drops what does not fit: what the proxy's
/// guesses ahead of its clients share (<see cref="ProxyIndexPrefetch"/>, <see cref="ProxyCratePrefetch"/>). A guess that
/// does not fit is left to the client, which asks for the file itself. The workers start with the first item, outside
/// the flow of the request that queued it; a stop drops what is still queued and waits for the items under way.
/// </summary>
/// <param name="handle">Handles one item; its failures are its own to catch and log (one that escapes ends a worker).</param>
internal sealed class BoundedWorkQueue<T>(int workers, int capacity, Func<T, Task> handle) : IAsyncDisposable
{
    private readonly Channel<T> _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = false,
    });
    private readonly Lock _startLock = new();
    private Task[]? _workers;
    private int _outstanding;
    private volatile bool _stopping;

    /// <summary>Items queued or being handled (tests wait for 0).</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>A stop has begun: nothing more is queued, and what is still queued is dropped.</summary>
    public bool Stopping => _stopping;

    /// <summary>
    /// Queues <paramref name="item"/>; false when the queue is full or stopping. Counted before it is queued, so that
    /// what an item's handler queues is counted before the item stops counting (<see cref="Outstanding"/> never
    /// passes 0 while work remains).
    /// </summary>
    public bool TryQueue(T item)
    {
        if (_stopping) return false;
        EnsureStarted();
        Interlocked.Increment(ref _outstanding);
        if (_queue.Writer.TryWrite(item)) return true;
        Interlocked.Decrement(ref _outstanding);
        return false;
    }

    private void EnsureStarted()
    {
        if (_workers is not null) return;
        lock (_startLock)
        {
            if (_workers is not null) return;
            // Started from inside some request's flow: its AsyncLocal state (logging scopes, activities, the request's
            // thread preferences in Core/Threading/IoThreads) must not follow the workers for the life of the process.
            using (ExecutionContext.SuppressFlow())
                _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)).ToArray();
        }
    }

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        // Ends once the queue is completed (a stop) and empty; what is still queued then is dropped unhandled.
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    if (!_stopping) await handle(item);
                }
                finally
                {
                    Interlocked.Decrement(ref _outstanding);
                }
            }
        }
    }

    /// <summary>Drops what is queued and waits for the items under way.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        Task[]? started;
        lock (_startLock) started = _workers;
        if (started is not null) await Task.WhenAll(started);
    }
}
