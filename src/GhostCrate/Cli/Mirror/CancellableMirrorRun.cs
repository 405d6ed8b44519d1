using GhostCrate.Mirror;

namespace GhostCrate.Cli.Mirror;

/// <summary>
/// How the mirror's long-running verbs (crates and toolchains) end: Ctrl-C cancels the work instead of killing the
/// process (finished files stay, the next run continues), a mirror error is one line and exit code 2, an interruption
/// exit code 130 (128 + SIGINT, as shells report it).
/// </summary>
internal static class CancellableMirrorRun
{
    public static async Task<int> RunAsync(TextWriter error, string interrupted, Func<CancellationToken, Task<int>> run)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await run(cancel.Token);
        }
        catch (MirrorException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await error.WriteLineAsync(interrupted);
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
