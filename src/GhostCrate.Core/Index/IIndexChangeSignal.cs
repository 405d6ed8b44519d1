namespace GhostCrate.Core.Index;

/// <summary>
/// Port: how this process learns that another process may have changed index files, so that
/// <see cref="IndexChangeFollower"/> reads the change counter (PostgreSQL: LISTEN/NOTIFY; SQLite: a poll of the
/// counter for other processes on the same file, such as a CLI verb).
/// </summary>
public interface IIndexChangeSignal
{
    /// <summary>
    /// Whether several nodes may write this database at once. Then a node cannot know from memory alone that a write
    /// another node has just acknowledged is not yet known here, and every read first confirms with the change counter
    /// (<see cref="IndexChangeFollower.CatchUpAsync"/>) before it answers from memory.
    /// </summary>
    bool SharedByNodes { get; }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled: calls <paramref name="catchUp"/> once at the
    /// start, after every (re)connection, and whenever another process reports a change. Failures of the transport
    /// are retried here, never thrown.
    /// </summary>
    Task RunAsync(Func<CancellationToken, Task> catchUp, CancellationToken cancellationToken);
}
