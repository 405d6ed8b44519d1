using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Changes;

/// <summary>
/// The subscriber side that every <see cref="IChangeFeed"/> transport shares: who listens to which topic, and the
/// calling discipline promised by <see cref="IChangeFeed.Subscribe"/> (one call at a time per subscriber, notifications
/// during a call folded into one more call, a failing subscriber neither stops the others nor the transport).
/// <see cref="Notify"/> only flips a flag and, for an idle subscriber, queues its catch-up on the thread pool, so a
/// transport may call it from its reading loop.
/// </summary>
public sealed class ChangeSubscribers(ILogger<ChangeSubscribers> logger)
{
    private readonly ILogger<ChangeSubscribers> _logger = logger;
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    /// <summary>Topics with at least one subscriber (tests and diagnostics).</summary>
    public IReadOnlyCollection<string> Topics => Volatile.Read(ref _subscriptions).Select(s => s.Topic).Distinct(StringComparer.Ordinal).ToArray();

    public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(catchUp);
        var subscription = new Subscription(this, topic, catchUp);
        lock (_gate) _subscriptions = [.. _subscriptions, subscription];
        // Whatever changed before the subscription existed is read now; whatever changes later is notified.
        subscription.Notify();
        return subscription;
    }

    /// <summary>
    /// Wakes the subscribers of <paramref name="topic"/>; a topic this version does not know (a newer node's, or a
    /// payload-less NOTIFY) wakes everyone, since a missed change is worse than a spare catch-up.
    /// </summary>
    public void Notify(string? topic)
    {
        var known = topic is not null && ChangeTopics.All.Contains(topic, StringComparer.Ordinal);
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!known || string.Equals(subscription.Topic, topic, StringComparison.Ordinal)) subscription.Notify();
        }
    }

    /// <summary>After a (re)connection: notifications may have been lost, so every subscriber reads its counter.</summary>
    public void NotifyAll()
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions)) subscription.Notify();
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate) _subscriptions = _subscriptions.Where(s => !ReferenceEquals(s, subscription)).ToArray();
    }

    private sealed class Subscription(ChangeSubscribers owner, string topic, Func<CancellationToken, Task> catchUp) : IDisposable
    {
        private const int Idle = 0, Running = 1, RunningAndPending = 2;
        private readonly CancellationTokenSource _stop = new();
        private int _state;
        private int _disposed;

        public string Topic { get; } = topic;

        public void Notify()
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                if (state == RunningAndPending) return;
                if (state == Running)
                {
                    if (Interlocked.CompareExchange(ref _state, RunningAndPending, Running) == Running) return;
                    continue;
                }
                if (Interlocked.CompareExchange(ref _state, Running, Idle) == Idle)
                {
                    _ = Task.Run(RunAsync, CancellationToken.None);
                    return;
                }
            }
        }

        private async Task RunAsync()
        {
            while (true)
            {
                if (Volatile.Read(ref _disposed) == 0)
                {
                    try
                    {
                        await catchUp(_stop.Token);
                    }
                    catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                    {
                        // Unsubscribed meanwhile.
                    }
                    catch (Exception exception)
                    {
                        owner._logger.LogWarning(exception, "Catching up with the change feed failed for topic {Topic}", Topic);
                    }
                }
                // A notification during the call asked for one more; otherwise go idle (a later one starts a new run).
                if (Interlocked.CompareExchange(ref _state, Running, RunningAndPending) == RunningAndPending) continue;
                if (Interlocked.CompareExchange(ref _state, Idle, Running) == Running) return;
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            owner.Remove(this);
            _stop.Cancel();
        }
    }
}
