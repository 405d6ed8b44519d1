using System.Globalization;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.MirrorJobs;
using GhostCrate.Core.Options;
using GhostCrate.Mirror.Bundles;
using GhostCrate.Mirror.Checking;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Mirror.Toolchains;
using GhostCrate.Protocol.Formatting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Mirror.Jobs;

/// <summary>
/// Runs one mirror operation queued from /admin/mirror or its API, through the same engine calls as the CLI verbs
/// (<see cref="MirrorSync"/>, <see cref="ToolchainSync"/>, <see cref="MirrorVerifier"/>, <see cref="BundleExporter"/>)
/// with the guarded client. The queue gives the job to one node; while it runs, its counters go to the run's row every
/// second (the heartbeat every node's page reads), and an administrator's cancel is picked up there. The result and
/// its event are written once (<see cref="IMirrorRunRepository.FinishAsync"/>), so a second delivery changes nothing.
/// </summary>
public sealed class MirrorJobHandler(
    IMirrorRunRepository runs,
    IMirrorPrerequisites prerequisites,
    MirrorJobHttp http,
    IOptions<MirrorOptions> options,
    Core.Advisories.AdvisoryService advisories,
    TimeProvider time,
    ILogger<MirrorJobHandler> logger) : IJobHandler
{
    /// <summary>How often a running job stores its counters and looks for a cancel request.</summary>
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(1);

    private const int MaxLogLines = 100;

    public string Kind => MirrorJobPayload.JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (MirrorJobPayload.RunId(job.Payload) is not { } runId || await runs.FindAsync(runId, cancellationToken) is not { } run)
            return JobOutcome.GiveUp("the job names no mirror run");
        if (run.Finished) return JobOutcome.Succeeded;
        var progress = new RunProgress();
        if (run.CancelRequested) return await FinishAsync(run, MirrorRunStates.Cancelled, "cancelled before it started", null, null, null, progress);
        if (!await runs.StartAsync(run.Id, $"{Environment.MachineName}/{Environment.ProcessId}", time.GetUtcNow(), cancellationToken)) return JobOutcome.Succeeded;

        var request = MirrorJobPayload.ReadParameters(run.Parameters) ?? new MirrorJobRequest(run.Operation);
        var failed = (await prerequisites.CheckAsync(request, estimate: false, cancellationToken)).Where(c => !c.Ok).ToList();
        if (failed.Count > 0)
        {
            var detail = "prerequisites not met: " + string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail}"));
            return await FinishAsync(run, MirrorRunStates.Failed, detail, null, detail, null, progress);
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(run.Id, progress, cancel, heartbeatStop.Token);
        Outcome outcome;
        try
        {
            outcome = await RunAsync(run, request, progress, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            outcome = new Outcome(MirrorRunStates.Cancelled, "cancelled by an administrator; finished files are kept and the next run continues", null, null, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The engine's refusals (MirrorException) are meant for the operator; anything else is still theirs to see.
            logger.LogError(ex, "Mirror {Operation} run {RunId} failed", run.Operation, run.Id);
            var message = ex is MirrorException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            outcome = new Outcome(MirrorRunStates.Failed, message, null, message, null);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
        return await FinishAsync(run, outcome.State, outcome.Summary, outcome.Log, outcome.Error, outcome.Artifact, progress);
    }

    private async Task<Outcome> RunAsync(MirrorRun run, MirrorJobRequest request, RunProgress progress, CancellationToken cancellationToken)
    {
        var layout = new MirrorLayout(run.Directory);
        switch (run.Operation)
        {
            case MirrorOperations.Sync:
            {
                var report = await new MirrorSync(http, time).SyncAsync(layout, progress, cancellationToken);
                await RecomputeFindingsAsync();
                var summary = $"Sync {(report.Complete ? "complete" : "incomplete")}: {report.FilesDownloaded} file(s) downloaded ({ByteSize.Format(report.BytesDownloaded)}), " +
                    $"{report.FilesPresent} already present, {report.Retries} retries, {report.Failures.Count} failure(s), {report.IndexFilesUpdated} index file(s) updated, " +
                    $"{report.IndexFilesRemoved} removed; {report.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s.";
                var log = Lines(report.Failures.Select(f => $"failed: {f}").Concat(progress.Notes()));
                return report.Complete
                    ? new Outcome(MirrorRunStates.Succeeded, summary, log, null, null)
                    : new Outcome(MirrorRunStates.Failed, summary, log, $"{report.Failures.Count} file(s) failed; the served index lists only files that are present: {report.Failures[0]}", null);
            }
            case MirrorOperations.ToolchainSync:
            {
                var syncRequest = ToolchainJobRequest.Build(request.Toolchain!, options.Value.ToolchainKeyFile!, out var errors);
                if (errors.Count > 0) return new Outcome(MirrorRunStates.Failed, string.Join("; ", errors), null, string.Join("; ", errors), null);
                var report = await new ToolchainSync(http, time).SyncAsync(layout, syncRequest, progress, cancellationToken);
                var lines = report.Channels.Select(c => c.Mirrored
                    ? $"{c.Channel}: Rust {c.Version} ({c.Date}): {c.Files} file(s), {c.Downloaded} downloaded ({ByteSize.Format(c.Bytes)})"
                    : $"refused {c.Channel}: {c.Refused}").ToList();
                lines.AddRange(report.Channels.SelectMany(c => c.Warnings.Select(w => $"warning: {c.Channel}: {w}")));
                lines.AddRange(report.Retired.Select(g => $"retention: Rust {g.Version} ({g.Date}) removed from the served state"));
                var summary = $"{report.Channels.Count(c => c.Mirrored)} of {report.Channels.Count} channel(s) mirrored; " +
                    (report.Switched ? "serving the new state." : "nothing changed; the served state is as it was.");
                var refused = report.Channels.FirstOrDefault(c => !c.Mirrored);
                return report.Complete
                    ? new Outcome(MirrorRunStates.Succeeded, summary, Lines(lines.Concat(progress.Notes())), null, null)
                    : new Outcome(MirrorRunStates.Failed, summary, Lines(lines.Concat(progress.Notes())), $"refused {refused!.Channel}: {refused.Refused}", null);
            }
            case MirrorOperations.Verify:
            case MirrorOperations.Repair:
            {
                var repair = run.Operation == MirrorOperations.Repair;
                var report = await new MirrorVerifier(http).VerifyAsync(layout, repair, progress, cancellationToken);
                var signatures = ToolchainSignatures.Check(layout, options.Value.ToolchainKeyFile);
                progress.Checked(report.Checked);
                progress.Failed(report.Missing.Count + report.Corrupt.Count + signatures.Failed.Count);
                var summary = $"Checked {report.Checked} file(s): {report.Missing.Count} missing, {report.Corrupt.Count} corrupt" + (repair ? $", {report.Repaired} repaired" : "") +
                    $". Signatures: {signatures.Describe()}.";
                var log = Lines(report.Missing.Select(p => $"missing {p.Name} {p.Version}: {p.Detail}").Concat(report.Corrupt.Select(p => $"corrupt {p.Name} {p.Version}: {p.Detail}"))
                    .Concat(signatures.Failed.Select(f => $"bad signature: {f}")));
                return report.ExitCode == VerifyReport.ExitOk && signatures.Failed.Count == 0
                    ? new Outcome(MirrorRunStates.Succeeded, summary, log, null, null)
                    : new Outcome(MirrorRunStates.Failed, summary, log, summary, null);
            }
            case MirrorOperations.Export:
            {
                var settings = options.Value;
                int? since = request.Incremental ? MarkFile.Latest(layout) : null;
                var outFile = Path.Combine(settings.ExportDirectory!, $"mirror-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-run{run.Id}.tar");
                var passphrase = settings.ExportPassphraseFile is { Length: > 0 } file ? File.ReadAllText(file).TrimEnd('\r', '\n').ToCharArray() : [];
                var result = await new BundleExporter(time).ExportAsync(layout, outFile, since, settings.ExportKeyFile!, passphrase, cancellationToken);
                progress.Checked(result.Files);
                var summary = $"Wrote {Path.GetFileName(result.Path)}: mark {result.Mark}{(result.BaseMark is { } b ? $" (changes since mark {b})" : " (full)")}, " +
                    $"{result.Files} file(s), {result.Removed} removed file(s), {ByteSize.Format(result.Bytes)}.";
                return new Outcome(MirrorRunStates.Succeeded, summary, null, null, result.Path);
            }
            default:
                return new Outcome(MirrorRunStates.Failed, $"unknown operation {run.Operation}", null, $"unknown operation {run.Operation}", null);
        }
    }

    /// <summary>
    /// The served versions changed (a partial sync too): the advisory findings of the mirror follow now rather than at
    /// the next advisory sync. A failure is logged; it does not fail the sync.
    /// </summary>
    private async Task RecomputeFindingsAsync()
    {
        try
        {
            await advisories.RecomputeAllAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not recompute the advisory findings after the mirror sync; the next advisory sync will");
        }
    }

    private async Task<JobOutcome> FinishAsync(MirrorRun run, string state, string summary, string? log, string? error, string? artifact, RunProgress progress)
    {
        // The result is recorded even when the host is stopping: the work is done, only the row is left to write.
        await runs.FinishAsync(run.Id, new MirrorRunResult(state, summary, log, error, artifact, progress.Snapshot()), time.GetUtcNow(), CancellationToken.None);
        if (state == MirrorRunStates.Failed)
        {
            logger.LogWarning("Mirror {Operation} run {RunId} failed: {Error}", run.Operation, run.Id, error);
            // Not retried: a failed sync keeps what it verified, and the administrator decides when to run it again.
            return JobOutcome.GiveUp(error ?? summary);
        }
        return JobOutcome.Succeeded;
    }

    /// <summary>Stores the counters every <see cref="HeartbeatEvery"/>; cancels the run when an administrator asked to.</summary>
    private async Task HeartbeatAsync(long runId, RunProgress progress, CancellationTokenSource cancel, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(HeartbeatEvery, time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (await runs.ReportProgressAsync(runId, progress.Snapshot(), time.GetUtcNow(), stop)) await cancel.CancelAsync();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database was away for a moment: the run goes on, the next heartbeat stores the counters.
                logger.LogWarning(ex, "Could not store the progress of mirror run {RunId}", runId);
            }
        }
    }

    private static string? Lines(IEnumerable<string> lines)
    {
        var kept = lines.Take(MaxLogLines + 1).ToList();
        if (kept.Count == 0) return null;
        if (kept.Count > MaxLogLines) kept[^1] = "... (more in the mirror's manifests/ directory)";
        return string.Join('\n', kept);
    }

    private sealed record Outcome(string State, string Summary, string? Log, string? Error, string? Artifact);
}
