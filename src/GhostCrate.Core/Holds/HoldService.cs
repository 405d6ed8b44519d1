using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using GhostCrate.Packaging.Content;
using GhostCrate.Protocol.Crates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Holds;

/// <summary>
/// The approval hold (issue 20 items 5 and 6, docs/security.md "Approval hold"): which publishes are held, and the
/// administrators' list, approval and rejection. Every decision is audited; approval sends crate.published through the
/// outbox in its own transaction, and the index file it rewrites reaches the other nodes through the change feed.
/// </summary>
public sealed class HoldService(
    IHeldVersionRepository held,
    IBlobStore blobs,
    SparseIndexService index,
    Audit.AuditLog audit,
    IOptions<ContentCheckOptions> options,
    TimeProvider time,
    ILogger<HoldService> logger)
{
    /// <summary>The longest rejection reason kept (it is written to the audit log).</summary>
    public const int MaxReasonLength = 1000;

    private readonly HoldRules _rules = options.Value.ParseHoldRules();

    /// <summary>
    /// Why a new version must wait for approval, or null when it may go live. <paramref name="similar"/> is non-empty
    /// only for a new crate's first version (Core/Typosquats checks nothing else).
    /// </summary>
    public string? ReasonFor(IReadOnlyList<ContentFlag>? flags, IReadOnlyList<Typosquats.TyposquatMatch> similar)
    {
        var reasons = new List<string>();
        var matching = _rules.Matching(flags ?? []);
        if (matching.Count > 0) reasons.Add("content flags: " + string.Join(", ", matching.Select(HoldRules.Describe).Distinct(StringComparer.Ordinal)));
        if (options.Value.HoldTyposquats && similar.Count > 0)
            reasons.Add("name close to " + string.Join(", ", similar.Select(s => $"`{s.Existing}` ({Typosquats.TyposquatNames.RuleName(s.Rule)})")));
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    /// <summary>
    /// What cargo prints to the publisher of a held version. Cargo shows it as the error of a failed upload (see
    /// Protocol's HeldPublishResponse), so it says first that the upload itself went through.
    /// </summary>
    public static string Warning(string name, string version, string reason) =>
        $"`{name}@{version}` is held for approval ({reason}): the upload succeeded and the version is stored, but cargo cannot resolve or download it until an administrator of this registry approves it on /admin/held; do not publish it again; you will see it marked \"held\" on the crate page until then";

    public async Task<Result<IReadOnlyList<HeldVersion>>> ListAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        return Result<IReadOnlyList<HeldVersion>>.Ok(await held.ListAsync(cancellationToken));
    }

    /// <summary>The held versions of a crate, for a viewer its owners already let see the crate (owners and administrators).</summary>
    public Task<IReadOnlyList<HeldVersion>> ListForCrateAsync(string name, CancellationToken cancellationToken) =>
        held.ListForCrateAsync(CrateName.Canonicalize(name), cancellationToken);

    public Task<bool> IsHeldAsync(string name, string version, CancellationToken cancellationToken) =>
        held.IsHeldAsync(CrateName.Canonicalize(name), version, cancellationToken);

    /// <summary>
    /// The .crate of a held version, for administrators reviewing it before they decide (everyone else: not found, as
    /// Cargo's download route answers for a held version). The caller disposes the content.
    /// </summary>
    public async Task<Result<(HeldVersion Version, BlobContent Content)>> OpenForReviewAsync(Principal caller, string name, string version, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var found = (await held.ListForCrateAsync(CrateName.Canonicalize(name), cancellationToken)).FirstOrDefault(h => h.Version == version);
        if (found is null) return NotHeld(name, version);
        var content = await blobs.OpenReadAsync(BlobKey.CrateFile(found.Crate, found.Version), cancellationToken);
        if (content is null) return RegistryError.NotFound($"the .crate of `{found.Crate}@{found.Version}` is not in storage");
        return Result<(HeldVersion, BlobContent)>.Ok((found, content));
    }

    public async Task<Result<HeldVersion>> ApproveAsync(Principal caller, string name, string version, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var canonical = CrateName.Canonicalize(name);
        HeldVersion? approved;
        try
        {
            approved = await held.ApproveAsync(canonical, version, time.GetUtcNow(), cancellationToken);
        }
        finally
        {
            // This node must not keep serving the file from before the approval (other nodes follow the counter).
            index.Invalidate(canonical);
        }
        if (approved is null) return NotHeld(name, version);
        logger.LogInformation("Approved held version {Crate} {Version} by {User}", approved.Crate, approved.Version, caller.Username);
        await audit.RecordAsync(caller, Audit.AuditActions.VersionApproved, $"crate:{approved.Crate}@{approved.Version}",
            new Dictionary<string, string?> { ["held_for"] = approved.Reason, ["published_by"] = approved.PublishedBy }, cancellationToken);
        return Result<HeldVersion>.Ok(approved);
    }

    public async Task<Result<RejectedVersion>> RejectAsync(Principal caller, string name, string version, string? reason, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason)) return RegistryError.BadRequest("a rejection needs a reason (it is written to the audit log)");
        if (reason.Length > MaxReasonLength) return RegistryError.BadRequest($"the reason is longer than {MaxReasonLength} characters");
        var rejected = await held.RejectAsync(CrateName.Canonicalize(name), version, cancellationToken);
        if (rejected is null) return NotHeld(name, version);
        var v = rejected.Version;
        // After the commit: no row refers to the blob any more. A failed delete leaves an orphan that the next publish
        // of this name+version overwrites (publish puts with Overwrite), never a half-visible version.
        try
        {
            await blobs.DeleteAsync(BlobKey.CrateFile(v.Crate, v.Version), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not delete the .crate of the rejected version {Crate} {Version}; a new publish of it overwrites the file", v.Crate, v.Version);
        }
        logger.LogInformation("Rejected held version {Crate} {Version} by {User} (crate removed: {CrateRemoved})", v.Crate, v.Version, caller.Username, rejected.CrateRemoved);
        await audit.RecordAsync(caller, Audit.AuditActions.VersionRejected, $"crate:{v.Crate}@{v.Version}",
            new Dictionary<string, string?>
            {
                ["reason"] = reason,
                ["held_for"] = v.Reason,
                ["published_by"] = v.PublishedBy,
                ["crate_removed"] = rejected.CrateRemoved ? "true" : "false",
            }, cancellationToken);
        return Result<RejectedVersion>.Ok(rejected);
    }

    private static RegistryError NotHeld(string name, string version) =>
        RegistryError.NotFound($"`{name}@{version}` is not held for approval (it may have been approved or rejected already)");
}
