namespace GhostCrate.Core.Changes;

/// <summary>
/// Port: how this node learns that another process changed something it keeps in memory or waits for. One feed per
/// node carries every topic (<see cref="ChangeTopics"/>) over one transport (PostgreSQL: one LISTEN connection; SQLite:
/// an in-process poll for another process on the same file, such as a CLI verb).
/// <para>
/// A notification only says "read your counter again": a subscriber's catch-up reads everything past what it last
/// applied, so a lost notification (a dropped connection) costs a delay, never a change: after every (re)connection
/// every subscriber catches up once.
/// </para>
/// </summary>
public interface IChangeFeed
{
    /// <summary>
    /// Whether several nodes may write this database at once. Then a node cannot know from memory alone that a write
    /// another node has just acknowledged is not yet known here (see Core/Index/IndexChangeFollower's read barrier).
    /// </summary>
    bool SharedByNodes { get; }

    /// <summary>
    /// Calls <paramref name="catchUp"/> once soon after this call, after every (re)connection of the transport, and after
    /// notifications of <paramref name="topic"/>. Calls for one subscription never overlap: notifications that arrive
    /// during a call are answered by one more call. Failures of <paramref name="catchUp"/> are logged and the next
    /// notification tries again. Disposing the result ends the subscription.
    /// </summary>
    IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp);

    /// <summary>
    /// Tells every node's subscribers of <paramref name="topic"/>, this node's included, to catch up now: for a change
    /// that is not a database write with its own NOTIFY (a record in the blob store). PostgreSQL: a NOTIFY on the
    /// feed's channel; SQLite (one server process): this process's subscribers at once.
    /// </summary>
    Task AnnounceAsync(string topic, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the transport until <paramref name="cancellationToken"/> is cancelled; transport failures are retried here,
    /// never thrown. Exactly one caller runs it: the host's change-feed service, which thereby owns the connection.
    /// </summary>
    Task RunAsync(CancellationToken cancellationToken);
}
