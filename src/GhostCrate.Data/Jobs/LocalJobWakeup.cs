using GhostCrate.Core.Jobs;

namespace GhostCrate.Data.Jobs;

/// <summary>An in-process signal: every waiter at the time of <see cref="Signal"/> wakes; later waiters wait for the next.</summary>
internal class LocalJobWakeup : IJobWakeup
{
    private TaskCompletionSource _next = NewSource();

    public virtual Task WaitAsync(CancellationToken cancellationToken) => Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);

    public void Signal() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    // Continuations run on the thread pool, not inside Signal's caller (a NOTIFY callback or an enqueue).
    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
