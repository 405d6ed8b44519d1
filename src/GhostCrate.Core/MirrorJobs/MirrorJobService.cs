using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.MirrorJobs;

/// <summary>What /admin/mirror and its API show of server-run operations: the newest runs, newest first.</summary>
public sealed record MirrorJobsOverview(bool Configured, string? Directory, IReadOnlyList<MirrorRun> Runs);

/// <summary>
/// Mirror operations for administrators (docs/mirror-in-10-minutes.md, "From the browser"): start a sync, toolchain
/// sync, verify, repair or export as a job on the queue after its prerequisites pass, follow it, cancel it. Every
/// request and cancellation is audited.
/// </summary>
public sealed class MirrorJobService(IMirrorRunRepository runs, IMirrorPrerequisites prerequisites, IOptions<MirrorOptions> options, AuditLog audit, TimeProvider time)
{
    public const int MaxRuns = 100;

    public async Task<Result<MirrorJobsOverview>> OverviewAsync(Principal caller, int limit, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var mirror = options.Value;
        var recent = await runs.ListRecentAsync(Math.Clamp(limit, 1, MaxRuns), cancellationToken);
        return Result<MirrorJobsOverview>.Ok(new MirrorJobsOverview(mirror.Enabled, mirror.Enabled ? Path.GetFullPath(mirror.Directory!) : null, recent));
    }

    public async Task<Result<MirrorRun>> FindAsync(Principal caller, long id, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        return await runs.FindAsync(id, cancellationToken) is { } run ? Result<MirrorRun>.Ok(run) : RegistryError.NotFound($"no mirror run {id}");
    }

    /// <summary>The prerequisites of <paramref name="request"/> with the disk estimate of a sync, without queuing anything.</summary>
    public async Task<Result<IReadOnlyList<PrerequisiteCheck>>> CheckAsync(Principal caller, MirrorJobRequest request, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (Validate(request) is { } invalid) return invalid;
        return Result<IReadOnlyList<PrerequisiteCheck>>.Ok(await prerequisites.CheckAsync(request, estimate: true, cancellationToken));
    }

    /// <summary>Checks the prerequisites, then queues the run; a failed check or a run already queued for the directory is a 409.</summary>
    public async Task<Result<MirrorRun>> RequestAsync(Principal caller, MirrorJobRequest request, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (Validate(request) is { } invalid) return invalid;
        var failed = (await prerequisites.CheckAsync(request, estimate: false, cancellationToken)).Where(c => !c.Ok).ToList();
        if (failed.Count > 0)
            return RegistryError.Conflict("prerequisites not met: " + string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail}")));
        var directory = Path.GetFullPath(options.Value.Directory!);
        var run = await runs.QueueAsync(request.Operation, directory, MirrorJobPayload.Parameters(request), caller.Username,
            id => MirrorJobPayload.Job(id, directory), time.GetUtcNow(), cancellationToken);
        if (run is null) return RegistryError.Conflict("another mirror operation on this directory is still queued or running; wait for it or cancel it");
        await audit.RecordAsync(caller, AuditActions.MirrorJobRequested, $"mirror-run:{run.Id}",
            new Dictionary<string, string?> { ["operation"] = run.Operation, ["directory"] = directory }, cancellationToken);
        return Result<MirrorRun>.Ok(run);
    }

    /// <summary>Asks a queued or running run to stop (the worker checks at its next heartbeat; finished files stay).</summary>
    public async Task<Result<MirrorRun>> CancelAsync(Principal caller, long id, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (await runs.FindAsync(id, cancellationToken) is null) return RegistryError.NotFound($"no mirror run {id}");
        if (!await runs.RequestCancelAsync(id, cancellationToken)) return RegistryError.Conflict($"mirror run {id} has already finished");
        await audit.RecordAsync(caller, AuditActions.MirrorJobCancelled, $"mirror-run:{id}", cancellationToken);
        return Result<MirrorRun>.Ok((await runs.FindAsync(id, cancellationToken))!);
    }

    private RegistryError? Validate(MirrorJobRequest request)
    {
        if (!options.Value.Enabled) return RegistryError.Conflict("no offline mirror is configured: set Mirror:Directory");
        if (!MirrorOperations.All.Contains(request.Operation, StringComparer.Ordinal))
            return RegistryError.BadRequest($"unknown operation `{request.Operation}`; expected {string.Join(", ", MirrorOperations.All)}");
        if (request.Operation == MirrorOperations.ToolchainSync)
        {
            if (request.Toolchain is not { } t) return RegistryError.BadRequest("a toolchain sync needs `toolchain` (channels, hosts, ...)");
            if (t.Hosts is not { Count: > 0 }) return RegistryError.BadRequest("a toolchain sync needs hosts (the platforms rustup runs on, e.g. x86_64-unknown-linux-gnu; * for all)");
            if (t.KeepStable is < 1 or > 1000) return RegistryError.BadRequest("keep_stable must be from 1 to 1000");
            if (new[] { t.Channels, t.Hosts, t.Targets, t.Components }.Any(l => l is { Count: > 64 } || (l ?? []).Any(s => s.Length > 100)))
                return RegistryError.BadRequest("at most 64 channels, hosts, targets or components, each at most 100 characters");
        }
        else if (request.Toolchain is not null)
        {
            return RegistryError.BadRequest($"`toolchain` is only for the {MirrorOperations.ToolchainSync} operation");
        }
        if (request.Incremental && request.Operation != MirrorOperations.Export)
            return RegistryError.BadRequest("`incremental` is only for the export operation");
        return null;
    }
}
