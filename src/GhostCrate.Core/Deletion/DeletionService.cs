using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using GhostCrate.Core.Organizations;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Versioning;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Deletion;

/// <summary>
/// Deletes a version or a whole crate (crates.io's `DELETE /api/v1/crates/{name}` and `/{name}/{version}`), leaving
/// tombstones so the same name+version can never be published with other content. Administrators always may;
/// owners who may change the crate's owners may under <see cref="DeletionRules"/>. Everything stored changes in one
/// transaction (<see cref="IDeletionRepository.DeleteAsync"/>); the blobs are deleted by a job after the commit
/// (<see cref="DeleteCrateFilesHandler"/>), so no row ever points at a missing file.
/// </summary>
public sealed class DeletionService(
    IDeletionRepository deletions, ICrateRepository crates, CrateAccess access, SparseIndexService index, Audit.AuditLog audit, TimeProvider time, ILogger<DeletionService> logger)
{
    /// <summary>Longest reason kept with a deletion (shown to whoever tries the name+version again).</summary>
    public const int MaxReasonLength = 500;

    public async Task<Result<DeletionOutcome>> DeleteAsync(string name, string? version, string? reason, Principal principal, CancellationToken cancellationToken)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > MaxReasonLength })
            return RegistryError.BadRequest($"the reason for deleting is longer than {MaxReasonLength} characters; shorten it");
        var owned = await access.RequireAsync(name, principal, TokenScopes.ChangeOwners, CrateAction.ChangeOwners, cancellationToken);
        if (owned.Error is { } denied) return denied;
        var crate = owned.Value!;
        var facts = await deletions.GetFactsAsync(crate.CanonicalName, cancellationToken);
        if (facts is null) return RegistryError.NotFound($"crate `{name}` does not exist in this registry");

        string? exact = null;
        string? key = null;
        if (version is not null)
        {
            // Matched like cargo matches versions (build metadata ignored), as the version routes do.
            key = SemVersion.TryParse(version, out var parsed) ? parsed.Key : version;
            exact = facts.Versions.FirstOrDefault(v => SemVersion.TryParse(v.Version, out var s) && s.Key == key)?.Version;
            if (exact is null) return RegistryError.NotFound($"crate `{crate.Name}` has no version `{version}` in this registry");
        }
        if (!principal.IsAdmin && DeletionRules.Check(facts, exact, time.GetUtcNow()) is { } refused) return refused;

        DeletionOutcome? outcome;
        try
        {
            outcome = await deletions.DeleteAsync(
                new DeletionRequest(crate.CanonicalName, exact, key, principal.Username, reason, time.GetUtcNow()), cancellationToken);
        }
        finally
        {
            // This node stops serving the old file at once; other nodes follow the change counter.
            index.Invalidate(crate.CanonicalName);
        }
        if (outcome is null)
        {
            return exact is null
                ? RegistryError.NotFound($"crate `{name}` does not exist in this registry")
                : RegistryError.NotFound($"crate `{crate.Name}` has no version `{exact}` in this registry");
        }

        logger.LogInformation("Deleted {Crate} {Versions} by {User} (crate removed: {CrateDeleted})",
            outcome.Name, string.Join(", ", outcome.Versions), principal.Username, outcome.CrateDeleted);
        var details = new Dictionary<string, string?>
        {
            ["versions"] = string.Join(", ", outcome.Versions),
            ["crate_deleted"] = outcome.CrateDeleted ? "true" : "false",
        };
        if (reason is not null) details["reason"] = reason;
        await audit.RecordAsync(principal, Audit.AuditActions.CrateDeleted,
            exact is null ? $"crate:{outcome.Name}" : $"crate:{outcome.Name}@{exact}", details, cancellationToken);
        return Result<DeletionOutcome>.Ok(outcome);
    }

    /// <summary>
    /// What a page for a missing crate or version says instead of "not found" (issues 20 and 23): that it was deleted,
    /// when, by whom and why. Null when nothing was deleted there, or when the crate still exists and the viewer may not
    /// read it (a restricted crate's deleted versions stay as hidden as the crate).
    /// </summary>
    public async Task<DeletedNotice?> FindDeletedAsync(string name, string? version, Principal? viewer, CancellationToken cancellationToken)
    {
        var canonical = Canonical(name);
        var key = version is null ? null : SemVersion.TryParse(version, out var parsed) ? parsed.Key : version;
        var crate = await crates.FindAsync(canonical, cancellationToken);
        if (crate is not null)
        {
            if (key is null || !await access.CanReadAsync(crate, viewer, cancellationToken)) return null;
            return await deletions.FindVersionTombstoneAsync(canonical, key, cancellationToken) is { } tombstone
                ? new DeletedNotice(crate.Name, tombstone.Version, false, tombstone.DeletedAt, tombstone.DeletedBy, tombstone.Reason)
                : null;
        }
        var all = await deletions.ListTombstonesAsync(canonical, cancellationToken);
        if (all.Crate is not { } gone) return null;
        if (!access.CanSeeDeleted(gone.OwnerIds, viewer)) return null;
        // A version deleted before the crate keeps its own date and reason.
        if (key is not null && all.Versions.FirstOrDefault(v => SemVersion.TryParse(v.Version, out var s) ? s.Key == key : v.Version == key) is { } deletedVersion)
            return new DeletedNotice(gone.Name, deletedVersion.Version, true, deletedVersion.DeletedAt, deletedVersion.DeletedBy, deletedVersion.Reason);
        return new DeletedNotice(gone.Name, null, true, gone.DeletedAt, gone.DeletedBy, gone.Reason);
    }

    /// <summary>Every deleted version, newest first (administrators): /admin/deleted and its API route.</summary>
    public async Task<Result<(IReadOnlyList<DeletedVersion> Items, long Total)>> ListDeletedAsync(Principal principal, int page, int perPage, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(principal) is { } denied) return denied;
        perPage = Math.Clamp(perPage, 1, 200);
        return Result<(IReadOnlyList<DeletedVersion>, long)>.Ok(await deletions.ListDeletedAsync((Math.Max(page, 1) - 1) * perPage, perPage, cancellationToken));
    }

    /// <summary>
    /// Why a publish of this name+version is refused, or null: a deleted version is never published again, and a
    /// deleted crate's name is kept for its former owners and administrators (docs/security.md).
    /// </summary>
    public static string TombstoneMessage(VersionTombstone tombstone, string name) =>
        $"crate version `{name}@{tombstone.Version}` was deleted on {tombstone.DeletedAt:yyyy-MM-dd}" +
        (tombstone.DeletedBy is null ? "" : $" by {tombstone.DeletedBy}") +
        (tombstone.Reason is null ? "" : $" ({tombstone.Reason})") +
        "; a deleted version can never be published again, so bump the version in Cargo.toml and publish again";

    public static string ReservedNameMessage(CrateTombstone tombstone) =>
        $"the crate name `{tombstone.Name}` belonged to a crate deleted on {tombstone.DeletedAt:yyyy-MM-dd}; only its former owners or an administrator may publish it again";

    /// <summary>Canonical form of a name as stored in tombstones.</summary>
    public static string Canonical(string name) => CrateName.Canonicalize(name);
}

/// <summary>
/// A deleted crate or version as its page tells it: <paramref name="Version"/> null when the notice is about the whole
/// crate, <paramref name="CrateDeleted"/> true when the crate itself is gone.
/// </summary>
public sealed record DeletedNotice(string Crate, string? Version, bool CrateDeleted, DateTimeOffset DeletedAt, string? DeletedBy, string? Reason);
