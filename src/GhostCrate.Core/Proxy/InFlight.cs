using System.Collections.Concurrent;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Coalesces concurrent work on one key: while a task for a key runs, later callers get the same task, so 50 cargo
/// processes asking for one uncached crate cause one upstream fetch. The work runs detached from any caller's
/// cancellation (one impatient client must not fail the others); callers stop waiting with WaitAsync.
/// <para>
/// The first caller runs the work itself, on its own thread and without a hand-off: a cold build's hundreds of
/// first requests each have a single caller, and a hop to another thread and back costs each of them two thread
/// wake-ups. The others wait on a completion that resumes them on the thread pool, so they never run one after
/// another on the thread that finished the work. Callers must be off the socket event threads
/// (Core/Threading/IoThreads), as the work may block before its first wait.
/// </para>
/// </summary>
internal sealed class InFlight<TKey, TResult> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TResult>> _running = new();

    public Task<TResult> RunAsync(TKey key, Func<Task<TResult>> work)
    {
        while (true)
        {
            if (_running.TryGetValue(key, out var existing)) return existing;
            var followers = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_running.TryAdd(key, followers.Task)) continue;
            return LeadAsync(key, work, followers);
        }
    }

    private async Task<TResult> LeadAsync(TKey key, Func<Task<TResult>> work, TaskCompletionSource<TResult> followers)
    {
        // The key is free again before anyone sees the outcome: a caller that has seen it and asks again (a
        // revalidation right after a fetch) must start new work, not be handed this finished task.
        TResult result;
        try
        {
            result = await work();
        }
        catch (Exception e)
        {
            _running.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, followers.Task));
            followers.SetException(e);
            // Seen here, so a failure nobody else waited for is not reported again as an unobserved task exception.
            _ = followers.Task.Exception;
            throw;
        }
        _running.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, followers.Task));
        followers.SetResult(result);
        return result;
    }
}
