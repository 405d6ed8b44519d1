using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Docs.Build;

/// <summary>What a rebuild-all queued: builds of versions made with another toolchain (or of every version, when asked).</summary>
public sealed record DocsRebuildAllResult(string Toolchain, bool AllToolchains, bool IncludeUploaded, int Queued, int AlreadyQueued);

/// <summary>
/// "Rebuild all" after a change of Docs:Build:Toolchain (docs/rustdoc.md#rebuilding-after-a-toolchain-change): every
/// version the builder built, or failed to build, with another toolchain is queued again through
/// <see cref="DocsBuildQueue"/>, whose compare-and-set on the version's state and job dedup key make a second request,
/// on this node or another, queue nothing twice. <c>allToolchains</c> queues every version instead (also those never
/// built, e.g. published before the builder was switched on). Versions whose docs were uploaded are left alone unless
/// <c>includeUploaded</c>: a build would replace what their owners chose to publish. Administrators only.
/// </summary>
public sealed class DocsRebuildAllService(IDocsRepository docs, DocsBuildQueue queue, IOptions<DocsOptions> options, AuditLog audit)
{
    private const int PageSize = 500;

    public async Task<Result<DocsRebuildAllResult>> RebuildAllAsync(Principal principal, bool allToolchains, bool includeUploaded, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(principal) is { } denied) return denied;
        if (!queue.Enabled) return RegistryError.Conflict("this registry does not build docs (Docs:Build:Enabled is false)");
        var toolchain = options.Value.Build.Toolchain;
        var reason = includeUploaded ? DocsQueueReason.Rebuild : DocsQueueReason.RebuildKeepingUploads;
        int queued = 0, alreadyQueued = 0;
        long after = 0;
        while (true)
        {
            var page = await docs.ListRebuildTargetsAsync(allToolchains ? null : toolchain, includeUploaded, after, PageSize, cancellationToken);
            foreach (var target in page)
            {
                if (await queue.QueueAsync(target, reason, cancellationToken)) queued++;
                else alreadyQueued++;
            }
            if (page.Count < PageSize) break;
            after = page[^1].VersionId;
        }
        await audit.RecordAsync(principal, AuditActions.DocsRebuildAllRequested, "docs", new Dictionary<string, string?>
        {
            ["toolchain"] = toolchain,
            ["all_toolchains"] = allToolchains ? "true" : "false",
            ["include_uploaded"] = includeUploaded ? "true" : "false",
            ["queued"] = queued.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, CancellationToken.None);
        return Result<DocsRebuildAllResult>.Ok(new DocsRebuildAllResult(toolchain, allToolchains, includeUploaded, queued, alreadyQueued));
    }
}
