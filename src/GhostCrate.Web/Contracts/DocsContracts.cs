using System.Text.Json.Serialization;

namespace GhostCrate.Web.Contracts;

/// <summary>Reply to PUT /api/v1/docs/{crate}/{version}: what was stored and where it is served.</summary>
public sealed record DocsUploadResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("files")] int Files,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("url")] string Url);

/// <summary>
/// Reply to GET /api/v1/docs/{crate}/{version}/status and POST .../rebuild: the version's docs and the builder's state
/// (`status`: null when never built, else queued, building, built or failed; `stalled`: queued or building, but the
/// build's job is gone, so it can be built again). `log` (the build's output, at most Docs:Build:MaxLogBytes) and
/// `can_rebuild` only for owners and administrators.
/// </summary>
public sealed record DocsStatusResponse(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("has_docs")] bool HasDocs,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("docs_updated_at")] DateTimeOffset? DocsUpdatedAt,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("status_updated_at")] DateTimeOffset? StatusUpdatedAt,
    [property: JsonPropertyName("toolchain")] string? Toolchain,
    [property: JsonPropertyName("log")] string? Log,
    [property: JsonPropertyName("builder_enabled")] bool BuilderEnabled,
    [property: JsonPropertyName("can_rebuild")] bool CanRebuild,
    [property: JsonPropertyName("stalled")] bool Stalled)
{
    public static DocsStatusResponse Of(Core.Docs.Build.DocsBuildView view) => new(view.Crate, view.Version, view.HasDocs, view.Source, view.DocsUpdatedAt,
        view.HasDocs ? Core.Docs.DocsPaths.Version(view.Crate, view.Version) : null, view.Status?.ToString().ToLowerInvariant(), view.StatusUpdatedAt,
        view.Toolchain, view.Log, view.BuilderEnabled, view.CanRebuild, view.Stalled);
}

/// <summary>
/// POST /api/v1/admin/docs/rebuild: the job that queues the builds (GET /api/v1/admin/jobs/{job_id});
/// `already_running` when the same request's job was still pending or running and this one joined it.
/// </summary>
public sealed record DocsRebuildAllResponse(
    [property: JsonPropertyName("toolchain")] string Toolchain,
    [property: JsonPropertyName("all_toolchains")] bool AllToolchains,
    [property: JsonPropertyName("include_uploaded")] bool IncludeUploaded,
    [property: JsonPropertyName("job_id")] long JobId,
    [property: JsonPropertyName("already_running")] bool AlreadyRunning)
{
    public static DocsRebuildAllResponse Of(Core.Docs.Build.DocsRebuildAllRequest request) =>
        new(request.Toolchain, request.AllToolchains, request.IncludeUploaded, request.JobId, request.AlreadyRunning);
}

/// <summary>GET /api/v1/admin/docs: the builder's settings, versions per docs state and the newest failures.</summary>
public sealed record DocsAdminResponse(
    [property: JsonPropertyName("builder_enabled")] bool BuilderEnabled,
    [property: JsonPropertyName("toolchain")] string Toolchain,
    [property: JsonPropertyName("sandbox")] string Sandbox,
    [property: JsonPropertyName("counts")] DocsStateCountsDto Counts,
    [property: JsonPropertyName("recent_failures")] IReadOnlyList<DocsBuildFailureDto> RecentFailures)
{
    public static DocsAdminResponse Of(Core.Docs.Build.DocsBuildOverview overview) => new(overview.BuilderEnabled, overview.Toolchain,
        overview.Sandbox.ToString().ToLowerInvariant(), DocsStateCountsDto.Of(overview.Counts), [.. overview.RecentFailures.Select(DocsBuildFailureDto.Of)]);
}

/// <summary>
/// Versions per docs state (held versions left out). `outdated`: built or failed with a toolchain other than
/// `toolchain`, what a plain rebuild-all queues; `without_docs`: never built nor uploaded.
/// </summary>
public sealed record DocsStateCountsDto(
    [property: JsonPropertyName("queued")] long Queued,
    [property: JsonPropertyName("building")] long Building,
    [property: JsonPropertyName("built")] long Built,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("uploaded")] long Uploaded,
    [property: JsonPropertyName("without_docs")] long WithoutDocs,
    [property: JsonPropertyName("outdated")] long Outdated)
{
    public static DocsStateCountsDto Of(Core.Docs.DocsBuildCounts c) => new(c.Queued, c.Building, c.Built, c.Failed, c.Uploaded, c.WithoutDocs, c.Outdated);
}

/// <summary>A failed build: when, with which toolchain, and the end of its log (at most 2000 characters).</summary>
public sealed record DocsBuildFailureDto(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("failed_at")] DateTimeOffset FailedAt,
    [property: JsonPropertyName("toolchain")] string? Toolchain,
    [property: JsonPropertyName("log_excerpt")] string LogExcerpt)
{
    public static DocsBuildFailureDto Of(Core.Docs.DocsBuildFailure f) => new(f.Crate, f.Version, f.FailedAt, f.Toolchain, f.LogExcerpt);
}
