using System.Collections.Concurrent;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Coalesces concurrent work on one key: while a task for a key runs, later callers get the same task, so 50 cargo
/// processes asking for one uncached crate cause one upstream fetch. The work runs detached from any caller's
/// cancellation (one impatient client must not fail the others); callers stop waiting with WaitAsync.
/// </summary>
internal sealed class InFlight<TKey, TResult> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TResult>> _running = new();

    public Task<TResult> RunAsync(TKey key, Func<Task<TResult>> work)
    {
        while (true)
        {
            if (_running.TryGetValue(key, out var existing)) return existing;
            var completion = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_running.TryAdd(key, completion.Task)) continue;
            _ = Task.Run(async () =>
            {
                // The key is free again before anyone sees the outcome: a caller that has seen it and asks again
                // (a revalidation right after a fetch) must start new work, not be handed this finished task.
                TResult result;
                try
                {
                    result = await work();
                }
                catch (Exception e)
                {
                    _running.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, completion.Task));
                    completion.SetException(e);
                    return;
                }
                _running.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, completion.Task));
                completion.SetResult(result);
            });
            return completion.Task;
        }
    }
}
