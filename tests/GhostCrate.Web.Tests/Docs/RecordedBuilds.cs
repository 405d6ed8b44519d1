using GhostCrate.Core.Crates;
using GhostCrate.Core.Docs;
using GhostCrate.Core.Docs.Build;
using GhostCrate.Core.Jobs;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Docs;

/// <summary>
/// What the builder records for a version, without running cargo (these tests' job worker is off): queued with its
/// build job, the job leased and building with a toolchain (where <see cref="DocsBuildStatus.Building"/> stops), the
/// result (and the docs when built), the job done.
/// </summary>
internal static class RecordedBuilds
{
    public static async Task RecordAsync(TestApp app, string crate, string toolchain, DocsBuildStatus result, string log, string version = "0.1.0")
    {
        var cancel = CancellationToken.None;
        var docs = app.Services.GetRequiredService<IDocsRepository>();
        var jobs = app.Services.GetRequiredService<IJobRepository>();
        var versionId = (await app.Services.GetRequiredService<ICrateRepository>().FindVersionAsync(crate, version, cancel))!.Id;
        var now = DateTimeOffset.UtcNow;
        var job = DocsBuildQueue.Job(new DocsBuildTarget(versionId, crate, crate, version));
        Assert.True(await docs.TryQueueBuildAsync(versionId, job, DocsQueueReason.Publish, now, cancel));
        var leased = await jobs.DequeueAsync([DocsBuildQueue.JobKind], now, TimeSpan.FromMinutes(5), cancel);
        Assert.Equal(job.DedupKey, leased?.Job.DedupKey);
        var ticket = await docs.TryStartBuildAsync(versionId, toolchain, now, cancel);
        Assert.NotNull(ticket);
        if (result == DocsBuildStatus.Building) return; // still running: its job stays leased
        Assert.True(await docs.FinishBuildAsync(versionId, ticket.Value, result, log, now, cancel));
        if (result == DocsBuildStatus.Built) await docs.SwapAsync(versionId, new DocsGeneration($"gen-{versionId}", 1, 10, "build", null, now), null, cancel);
        Assert.True(await jobs.CompleteAsync(leased!, now, cancel));
    }
}
