using GhostCrate.Core.Changes;

namespace GhostCrate.Data.Changes;

/// <summary>
/// SQLite: one server process writes the database and its own writes update its memory directly; another process on
/// the same file (a CLI verb) is seen by the subscribers of <see cref="PolledTopics"/> reading their counters every
/// <see cref="Interval"/> (a query that finds nothing almost always). SQLite has no notifications between processes.
/// Queued jobs are not polled here: the job worker polls on its own schedule (Jobs:PollInterval).
/// </summary>
internal sealed class LocalChangeFeed(TimeProvider time, ChangeSubscribers subscribers) : IChangeFeed
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<string> PolledTopics { get; } = [ChangeTopics.Index, ChangeTopics.Access, ChangeTopics.Policy, ChangeTopics.Branding];

    public bool SharedByNodes => false;

    public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp) => subscribers.Subscribe(topic, catchUp);

    public Task AnnounceAsync(string topic, CancellationToken cancellationToken)
    {
        subscribers.Notify(topic);
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var topic in PolledTopics) subscribers.Notify(topic);
        }
    }
}
