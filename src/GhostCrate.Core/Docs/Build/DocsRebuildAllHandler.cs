using System.Globalization;
using System.Text.Json;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Jobs;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// Runs a <c>docs.rebuild_all</c> job (<see cref="DocsRebuildAllService"/>): pages through the versions the request
/// covers by ascending id and queues their builds <see cref="BatchSize"/> at a time, each batch one transaction with
/// its build jobs (IDocsRepository.QueueBuildsAsync). Registered on every node: it only queues, the builders build. The
/// runner renews the lease while it pages; a node that dies half-way leaves the job to be run again from the start,
/// and the versions' compare-and-set makes the second pass queue only what the first did not. Its counts go to the
/// log and the audit log (docs.rebuild_all_queued, target job:{id}).
/// </summary>
public sealed class DocsRebuildAllHandler(IDocsRepository docs, AuditLog audit, TimeProvider time, ILogger<DocsRebuildAllHandler> logger) : IJobHandler
{
    public const string JobKind = "docs.rebuild_all";

    /// <summary>Versions per page and per transaction: short enough that a write lock (SQLite's) is held only a moment.</summary>
    public const int BatchSize = 500;

    /// <summary>What the administrator asked for; <see cref="Toolchain"/> is the asking node's Docs:Build:Toolchain.</summary>
    public sealed record Payload(string Toolchain, bool AllToolchains, bool IncludeUploaded, string RequestedBy);

    public string Kind => JobKind;

    public static NewJob Job(Payload payload) =>
        new(JobKind, JsonSerializer.Serialize(payload), DedupKey: $"{JobKind}:{payload.Toolchain}:{(payload.AllToolchains ? "all" : "outdated")}:{(payload.IncludeUploaded ? "with-uploads" : "keep-uploads")}");

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<Payload>(job.Payload);
        if (payload is null) return JobOutcome.GiveUp("the payload is not a rebuild-all");
        var reason = payload.IncludeUploaded ? DocsQueueReason.Rebuild : DocsQueueReason.RebuildKeepingUploads;
        long considered = 0, queued = 0, after = 0;
        while (true)
        {
            var page = await docs.ListRebuildTargetsAsync(payload.AllToolchains ? null : payload.Toolchain, payload.IncludeUploaded, after, BatchSize, cancellationToken);
            if (page.Count == 0) break;
            var now = time.GetUtcNow();
            queued += await docs.QueueBuildsAsync(page, reason, now, DocsBuildQueue.Job, cancellationToken);
            considered += page.Count;
            if (page.Count < BatchSize) break;
            after = page[^1].VersionId;
        }
        logger.LogInformation("Rebuild-all job {JobId} queued {Queued} docs builds ({AlreadyQueued} already queued or building) for toolchain {Toolchain}",
            job.Id, queued, considered - queued, payload.Toolchain);
        await audit.RecordAnonymousAsync(payload.RequestedBy, AuditActions.DocsRebuildAllQueued, $"job:{job.Id}", new Dictionary<string, string?>
        {
            ["toolchain"] = payload.Toolchain,
            ["all_toolchains"] = payload.AllToolchains ? "true" : "false",
            ["include_uploaded"] = payload.IncludeUploaded ? "true" : "false",
            ["queued"] = queued.ToString(CultureInfo.InvariantCulture),
            ["already_queued"] = (considered - queued).ToString(CultureInfo.InvariantCulture),
        }, CancellationToken.None);
        return JobOutcome.Succeeded;
    }
}
