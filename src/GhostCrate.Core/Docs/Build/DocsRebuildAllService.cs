using System.Globalization;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// What a rebuild-all request started: the <see cref="DocsRebuildAllHandler"/> job <see cref="JobId"/> that queues the
/// builds; <see cref="AlreadyRunning"/> when the same request was already queued or running (on any node) and this
/// one joined it.
/// </summary>
public sealed record DocsRebuildAllRequest(string Toolchain, bool AllToolchains, bool IncludeUploaded, long JobId, bool AlreadyRunning);

/// <summary>
/// "Rebuild all" after a change of Docs:Build:Toolchain (docs/rustdoc.md#rebuilding-after-a-toolchain-change). The
/// request only queues one <c>docs.rebuild_all</c> job (<see cref="DocsRebuildAllHandler"/> pages through the versions
/// and queues their builds), so it answers at once whatever the size of the registry. The job's dedup key is the
/// request (toolchain, <c>allToolchains</c>, <c>includeUploaded</c>): the same request made twice, on this node or
/// another, while the first is still pending or running joins it instead of expanding the versions a second time.
/// Administrators only.
/// </summary>
public sealed class DocsRebuildAllService(IJobRepository jobs, DocsBuildQueue queue, IOptions<DocsOptions> options, AuditLog audit, TimeProvider time)
{
    public async Task<Result<DocsRebuildAllRequest>> RequestAsync(Principal principal, bool allToolchains, bool includeUploaded, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(principal) is { } denied) return denied;
        if (!queue.Enabled) return RegistryError.Conflict("this registry does not build docs (Docs:Build:Enabled is false)");
        var payload = new DocsRebuildAllHandler.Payload(options.Value.Build.Toolchain, allToolchains, includeUploaded, principal.Username);
        var job = DocsRebuildAllHandler.Job(payload);
        // Enqueue and find race with the job finishing between them: then the next enqueue succeeds. Three rounds are
        // plenty; more would mean the job table is being emptied under us.
        for (var round = 0; round < 3; round++)
        {
            if (await jobs.EnqueueAsync(job, time.GetUtcNow(), cancellationToken) is { } id)
            {
                await audit.RecordAsync(principal, AuditActions.DocsRebuildAllRequested, $"job:{id}", new Dictionary<string, string?>
                {
                    ["toolchain"] = payload.Toolchain,
                    ["all_toolchains"] = allToolchains ? "true" : "false",
                    ["include_uploaded"] = includeUploaded ? "true" : "false",
                    ["job"] = id.ToString(CultureInfo.InvariantCulture),
                }, CancellationToken.None);
                return Result<DocsRebuildAllRequest>.Ok(new DocsRebuildAllRequest(payload.Toolchain, allToolchains, includeUploaded, id, AlreadyRunning: false));
            }
            if (await jobs.FindUnfinishedAsync(job.DedupKey!, cancellationToken) is { } running)
                return Result<DocsRebuildAllRequest>.Ok(new DocsRebuildAllRequest(payload.Toolchain, allToolchains, includeUploaded, running.Id, AlreadyRunning: true));
        }
        return RegistryError.Conflict("the same rebuild-all kept starting and finishing; ask again");
    }
}
