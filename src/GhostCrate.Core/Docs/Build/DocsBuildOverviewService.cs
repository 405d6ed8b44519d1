using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Docs.Build;

/// <summary>The builder at a glance, for /admin/docs and GET /api/v1/admin/docs.</summary>
public sealed record DocsBuildOverview(
    bool BuilderEnabled,
    string Toolchain,
    DocsBuildSandbox Sandbox,
    DocsBuildCounts Counts,
    IReadOnlyList<DocsBuildFailure> RecentFailures);

/// <summary>
/// What administrators check after a toolchain change or when builds fail (docs/rustdoc.md#the-admin-page): versions
/// per state, the pinned toolchain and how many versions were built with another one, and the newest failures with
/// the end of their logs. Administrators only: logs may name private crates' internals.
/// </summary>
public sealed class DocsBuildOverviewService(IDocsRepository docs, IOptions<DocsOptions> options)
{
    public const int RecentFailures = 20;

    /// <summary>The end of a log carries cargo's error and the builder's own "failed:"/"killed:" line.</summary>
    public const int ExcerptChars = 2000;

    public async Task<Result<DocsBuildOverview>> GetAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(principal) is { } denied) return denied;
        var build = options.Value.Build;
        var counts = await docs.CountAsync(build.Toolchain, cancellationToken);
        var failures = await docs.ListRecentFailuresAsync(RecentFailures, ExcerptChars, cancellationToken);
        return Result<DocsBuildOverview>.Ok(new DocsBuildOverview(build.Enabled, build.Toolchain, build.Sandbox, counts, failures));
    }
}
