namespace GhostCrate.Web.Health;

/// <summary>
/// Where this node is in its life, for the start-up and readiness probes: starting (the host has not finished
/// starting, or a registered start-up task still runs), serving, or draining (SIGTERM received, see
/// <see cref="GracefulDrain"/>).
/// </summary>
public sealed class NodeLifecycle
{
    private readonly Lock _lock = new();
    private readonly List<(string Name, Task Task)> _startupTasks = [];
    private volatile bool _hostStarted;
    private volatile bool _draining;

    public bool Draining => _draining;

    /// <summary>
    /// Whether a stop waits Server:DrainSeconds before the listeners close. `ghostcrate serve` turns it on; a host
    /// embedded in tests or tools stops at once (nothing routes traffic to it, and every test would pay the wait).
    /// </summary>
    public bool DrainBeforeStop { get; set; }

    /// <summary>True once the host has started and every start-up task has finished (successfully or not).</summary>
    public bool StartupComplete => _hostStarted && PendingStartupTasks().Count == 0;

    /// <summary>
    /// Work that must finish before the node counts as started (a cache warm-up, a first sync): until it completes,
    /// /health/startup and /health/ready answer 503. A failed task counts as finished; it reports its own failure.
    /// </summary>
    public void TrackStartupTask(string name, Task task)
    {
        lock (_lock) _startupTasks.Add((name, task));
    }

    public IReadOnlyList<string> PendingStartupTasks()
    {
        lock (_lock) return [.. _startupTasks.Where(t => !t.Task.IsCompleted).Select(t => t.Name)];
    }

    internal void MarkHostStarted() => _hostStarted = true;

    internal void BeginDrain() => _draining = true;
}
