using GhostCrate.Core.Index;

namespace GhostCrate.Data.Index;

/// <summary>
/// SQLite: one server process writes the database, and its own writes drop its cached files directly; another
/// process on the same file (a CLI verb) is seen by reading the change counter every <see cref="Interval"/>, a range
/// query that finds nothing almost always. SQLite has no notifications between processes.
/// </summary>
internal sealed class SqliteChangeSignal(TimeProvider time) : IIndexChangeSignal
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public bool SharedByNodes => false;

    public async Task RunAsync(Func<CancellationToken, Task> catchUp, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await catchUp(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Logged by the follower; the next round tries again.
            }
            try
            {
                await Task.Delay(Interval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
