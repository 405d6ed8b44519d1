using System.Text.Json.Serialization;
using GhostCrate.Core.MirrorJobs;

namespace GhostCrate.Web.Contracts;

/// <summary>
/// POST /api/v1/admin/mirror/runs and /prerequisites: the operation (sync, toolchain-sync, verify, repair, export); for a
/// toolchain sync what to mirror; for an export whether it holds only the changes since the last export.
/// </summary>
public sealed record MirrorRunBody(
    [property: JsonPropertyName("operation")] string? Operation,
    [property: JsonPropertyName("toolchain")] ToolchainRunBody? Toolchain,
    [property: JsonPropertyName("incremental")] bool? Incremental)
{
    public MirrorJobRequest ToRequest() => new(Operation ?? "", Toolchain?.ToParameters(), Incremental ?? false);
}

/// <summary>The flags of `ghostcrate toolchain sync` (docs/toolchains.md); channels default to stable, profile to default.</summary>
public sealed record ToolchainRunBody(
    [property: JsonPropertyName("channels")] IReadOnlyList<string>? Channels,
    [property: JsonPropertyName("hosts")] IReadOnlyList<string>? Hosts,
    [property: JsonPropertyName("targets")] IReadOnlyList<string>? Targets,
    [property: JsonPropertyName("profile")] string? Profile,
    [property: JsonPropertyName("components")] IReadOnlyList<string>? Components,
    [property: JsonPropertyName("dist_server")] string? DistServer,
    [property: JsonPropertyName("keep_stable")] int? KeepStable)
{
    public ToolchainJobParameters ToParameters() => new(Channels ?? [], Hosts ?? [], Targets ?? [], Profile, Components ?? [], DistServer, KeepStable);
}

/// <summary>One server-run mirror operation: its state, progress counters (a heartbeat while it runs) and result.</summary>
public sealed record MirrorRunInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("operation")] string Operation,
    [property: JsonPropertyName("directory")] string Directory,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("requested_by")] string? RequestedBy,
    [property: JsonPropertyName("job_id")] long? JobId,
    [property: JsonPropertyName("node")] string? Node,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("phase")] string? Phase,
    [property: JsonPropertyName("files_done")] long FilesDone,
    [property: JsonPropertyName("files_total")] long FilesTotal,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("retries")] long Retries,
    [property: JsonPropertyName("failures")] long Failures,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("log")] string? Log,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("bundle_url")] string? BundleUrl,
    [property: JsonPropertyName("cancel_requested")] bool CancelRequested)
{
    public static MirrorRunInfo Of(MirrorRun r) => new(r.Id, r.Operation, r.Directory, r.State, r.RequestedBy, r.JobId, r.Node, r.Attempts,
        r.CreatedAt, r.StartedAt, r.UpdatedAt, r.FinishedAt, r.Progress.Phase, r.Progress.FilesDone, r.Progress.FilesTotal, r.Progress.Bytes,
        r.Progress.Retries, r.Progress.Failures, r.Summary, r.Log, r.Error,
        r.Artifact is null ? null : $"/api/v1/admin/mirror/runs/{r.Id}/bundle", r.CancelRequested);
}

/// <summary>GET /api/v1/admin/mirror/runs: whether a mirror is configured, its directory, and the newest runs first.</summary>
public sealed record MirrorRunsResponse(
    [property: JsonPropertyName("configured")] bool Configured,
    [property: JsonPropertyName("directory")] string? Directory,
    [property: JsonPropertyName("runs")] IReadOnlyList<MirrorRunInfo> Runs);

/// <summary>One prerequisite of an operation and whether it holds.</summary>
public sealed record PrerequisiteInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("detail")] string Detail);

/// <summary>POST /api/v1/admin/mirror/prerequisites: every check, and whether the operation could start now.</summary>
public sealed record PrerequisitesResponse(
    [property: JsonPropertyName("ready")] bool Ready,
    [property: JsonPropertyName("checks")] IReadOnlyList<PrerequisiteInfo> Checks);
