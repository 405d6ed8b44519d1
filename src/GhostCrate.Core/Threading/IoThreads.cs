using System.Runtime.CompilerServices;

namespace GhostCrate.Core.Threading;

/// <summary>
/// `ghostcrate serve` can run request code on the runtime's socket event threads (inline socket completions, decided
/// by the host's InlineSocketCompletions): an answer from memory, such as a cached index file or a 304, then costs no
/// hand-off between threads, which halves the CPU it takes. Those few threads wait for the events of every connection
/// of the process, so code that may block (a synchronous SQLite call, password hashing, a wait for a lock) must move
/// to the thread pool first: <c>await IoThreads.LeaveAsync()</c>. Where inline completions are off (the runtime's
/// default: tests, CLI commands, PostgreSQL or S3 deployments) that completes at once and costs nothing.
/// </summary>
public static class IoThreads
{
    private static volatile bool s_inlineCompletions;

    /// <summary>True once the host has switched this process to inline socket completions.</summary>
    public static bool InlineCompletions => s_inlineCompletions;

    /// <summary>Called by the host, before any socket exists, when it turns inline socket completions on.</summary>
    public static void UseInlineCompletions() => s_inlineCompletions = true;

    /// <summary>Continues on a thread-pool thread: at once when already on one (or inline completions are off).</summary>
    public static PoolHop LeaveAsync() => new(s_inlineCompletions);

    private static readonly AsyncLocal<bool> s_resumeOnSocketThread = new();

    /// <summary>
    /// Lets the rest of the calling async method (and what it awaits) continue on the socket event thread that
    /// completes an outbound read (<see cref="PoolResumingStream"/>), instead of handing it to the thread pool. Only
    /// for a flow that blocks nowhere after its upstream answer but in what leaves by itself (the database
    /// connections call <see cref="LeaveAsync"/>): a cold proxied index file, whose answer is then written from the
    /// thread that received the upstream's, one thread wake-up fewer per file. Undone when the calling method returns.
    /// </summary>
    public static void ResumeOnSocketThread() => s_resumeOnSocketThread.Value = true;

    /// <summary>Whether the current flow asked for <see cref="ResumeOnSocketThread"/>.</summary>
    public static bool MayResumeOnSocketThread => s_resumeOnSocketThread.Value;

    /// <summary>An awaitable that resumes on the thread pool (never on a SynchronizationContext) unless already there.</summary>
    public readonly struct PoolHop(bool needed) : ICriticalNotifyCompletion
    {
        public PoolHop GetAwaiter() => this;

        public bool IsCompleted => !needed || Thread.CurrentThread.IsThreadPoolThread;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) =>
            ThreadPool.QueueUserWorkItem(static run => run(), continuation, preferLocal: false);

        public void UnsafeOnCompleted(Action continuation) =>
            ThreadPool.UnsafeQueueUserWorkItem(static run => run(), continuation, preferLocal: false);
    }
}
