namespace GhostCrate.Testing;

/// <summary>
/// Polling with a deadline, for outcomes that arrive on another thread or process (a notification, a catch-up): the
/// test waits for the state it asserts, never for a fixed time, and fails with a message when the deadline passes.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(15);

    public static async Task TrueAsync(Func<bool> condition, string failure, TimeSpan? deadline = null, CancellationToken cancellationToken = default) =>
        await TrueAsync(() => Task.FromResult(condition()), failure, deadline, cancellationToken);

    public static async Task TrueAsync(Func<Task<bool>> condition, string failure, TimeSpan? deadline = null, CancellationToken cancellationToken = default)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Not reached within {deadline ?? DefaultDeadline}: {failure}");
            await Task.Delay(10, cancellationToken);
        }
    }
}
