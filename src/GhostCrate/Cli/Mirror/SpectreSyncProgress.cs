using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Sync;
using GhostCrate.Protocol.Formatting;
using Spectre.Console;

namespace GhostCrate.Cli.Mirror;

/// <summary>A live progress bar on a terminal (Spectre.Console): files done of files queued so far, bytes, rate.</summary>
public static class SpectreSyncProgress
{
    public static async Task<SyncReport> RunAsync(Func<IMirrorProgress, Task<SyncReport>> sync)
    {
        SyncReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("reading index", maxValue: 1);
                var progress = new Reporter(task);
                report = await sync(progress);
                task.Value = task.MaxValue;
                task.Description = "done";
            });
        return report!;
    }

    private sealed class Reporter(ProgressTask task) : IMirrorProgress
    {
        private long _queued;
        private long _finished;
        private long _bytes;
        private long _retries;

        public void FileQueued(DownloadRequest request)
        {
            var queued = Interlocked.Increment(ref _queued);
            task.MaxValue = Math.Max(1, queued);
            Describe();
        }

        public void BytesReceived(long count)
        {
            Interlocked.Add(ref _bytes, count);
        }

        public void Retrying(DownloadRequest request, int failedAttempts, string reason, TimeSpan delay)
        {
            Interlocked.Increment(ref _retries);
            AnsiConsole.MarkupLineInterpolated($"[yellow]retry[/] {request.Name} {request.Version}: {reason}");
        }

        public void FileFinished(DownloadOutcome outcome)
        {
            Interlocked.Increment(ref _finished);
            task.Increment(1);
            if (!outcome.Succeeded) AnsiConsole.MarkupLineInterpolated($"[red]failed[/] {outcome.Request.Name} {outcome.Request.Version}: {outcome.Error}");
            Describe();
        }

        public void Note(string message) => AnsiConsole.MarkupLineInterpolated($"{message}");

        private void Describe() =>
            task.Description = $"{Interlocked.Read(ref _finished)}/{Interlocked.Read(ref _queued)} files, {ByteSize.Format(Interlocked.Read(ref _bytes))}, {Interlocked.Read(ref _retries)} retries";
    }
}
