using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Organizations;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// One version's docs and build state as the API and the crate page show it. <see cref="Log"/> and
/// <see cref="CanRebuild"/> are filled for those who may rebuild (owners with the publish-update right, administrators);
/// null/false for everyone else, who see the state only. <see cref="Stalled"/>: queued or building, but its build job
/// is no longer pending or running (the nodes running it died and the job queue gave it up), so it may be built again.
/// </summary>
public sealed record DocsBuildView(
    string Crate,
    string Version,
    bool HasDocs,
    string? Source,
    DateTimeOffset? DocsUpdatedAt,
    DocsBuildStatus? Status,
    DateTimeOffset? StatusUpdatedAt,
    string? Toolchain,
    string? Log,
    bool BuilderEnabled,
    bool CanRebuild,
    bool Stalled);

/// <summary>GET /api/v1/docs/{crate}/{version}/status and POST .../rebuild (docs/rustdoc.md#building-docs-in-the-registry).</summary>
public sealed class DocsBuildStatusService(ICrateRepository crates, CrateAccess access, IDocsRepository docs, IJobRepository jobs, DocsBuildQueue queue, Audit.AuditLog audit)
{
    public async Task<Result<DocsBuildView>> GetAsync(string crateName, string version, Principal? principal, CancellationToken cancellationToken)
    {
        var found = await FindAsync(crateName, version, principal, cancellationToken);
        if (found.Error is { } missing) return missing;
        var (crate, versionRecord) = found.Value;
        // The job before the row: the row moves to queued with its job in one transaction and to built or failed
        // before its job ends, so in this order a build that is alive is never seen without its job.
        var job = await jobs.FindUnfinishedAsync(DocsBuildQueue.DedupKey(crate.CanonicalName, versionRecord.Version), cancellationToken);
        var row = await docs.FindAsync(versionRecord.Id, cancellationToken);
        var stalled = row?.BuildStatus is DocsBuildStatus.Queued or DocsBuildStatus.Building && job is null;
        var mayRebuild = await MayRebuildAsync(crate, principal, cancellationToken);
        return Result<DocsBuildView>.Ok(new DocsBuildView(crate.Name, versionRecord.Version, row?.Generation is not null, row?.Source, row?.UpdatedAt,
            row?.BuildStatus, row?.BuildUpdatedAt, row?.BuildToolchain, mayRebuild ? row?.BuildLog : null, queue.Enabled, mayRebuild && queue.Enabled, stalled));
    }

    /// <summary>Queues a new build of the version: owners (publish-update) and administrators; refused while one is queued or running (not stalled).</summary>
    public async Task<Result<DocsBuildView>> RebuildAsync(string crateName, string version, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireAsync(crateName, principal, TokenScopes.PublishUpdate, CrateAction.PublishUpdate, cancellationToken);
        if (owned.Error is { } denied) return denied;
        var crate = owned.Value!;
        var versionRecord = await crates.FindVersionAsync(crate.CanonicalName, version, cancellationToken);
        if (versionRecord is null) return RegistryError.NotFound($"crate `{crate.Name}` has no version `{version}`");
        if (!queue.Enabled) return RegistryError.Conflict("this registry does not build docs (Docs:Build:Enabled is false); upload them instead (docs/rustdoc.md)");
        if (!await queue.QueueAsync(crate, versionRecord, DocsQueueReason.Rebuild, cancellationToken))
            return RegistryError.Conflict($"a build of `{crate.Name}` {versionRecord.Version} is already queued or running");
        await audit.RecordAsync(principal, Audit.AuditActions.DocsRebuildRequested, $"crate:{crate.Name}@{versionRecord.Version}", new Dictionary<string, string?>(), CancellationToken.None);
        return await GetAsync(crate.Name, versionRecord.Version, principal, cancellationToken);
    }

    private async Task<Result<(CrateRecord, VersionRecord)>> FindAsync(string crateName, string version, Principal? principal, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(CrateName.Canonicalize(crateName), cancellationToken);
        if (crate is null || !await access.CanReadAsync(crate, principal, cancellationToken)) return RegistryError.NotFound($"crate `{crateName}` does not exist in this registry");
        var versionRecord = await crates.FindVersionAsync(crate.CanonicalName, version, cancellationToken);
        if (versionRecord is null) return RegistryError.NotFound($"crate `{crate.Name}` has no version `{version}`");
        return Result<(CrateRecord, VersionRecord)>.Ok((crate, versionRecord));
    }

    private async Task<bool> MayRebuildAsync(CrateRecord crate, Principal? principal, CancellationToken cancellationToken)
    {
        if (principal is null || principal.IsReadOnly) return false;
        if (principal.IsAdmin) return true;
        return CratePermissions.Allows(await access.GrantsAsync(crate, principal.UserId, cancellationToken), CrateAction.PublishUpdate, isAdmin: false);
    }
}
