using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Crates;

/// <summary>
/// `cargo yank` / `cargo yank --undo` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#yank).
/// Yanking is idempotent, as on crates.io: yanking a yanked version succeeds.
/// </summary>
public sealed class YankService(ICrateRepository crates, CrateAccess access, TimeProvider time, ILogger<YankService> logger, Audit.AuditLog audit, SparseIndexService index)
{
    /// <summary>Longest reason kept with a yank (crates.io's yank_message is free text; this keeps pages readable).</summary>
    public const int MaxReasonLength = 500;

    /// <summary>
    /// crates.io's `PATCH /api/v1/crates/{name}/{version}` (src/controllers/version/update.rs): <paramref name="yanked"/>
    /// null keeps the current state, so a reason can be changed on a yanked version; a reason is refused when
    /// unyanking or when the version stays unyanked, with crates.io's messages. Same rights and audit as `cargo yank`.
    /// </summary>
    public async Task<Result<VersionRecord>> UpdateAsync(string name, string version, bool? yanked, string? reason, Principal principal, CancellationToken cancellationToken)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason;
        if (reason is not null && yanked == false) return RegistryError.BadRequest("Cannot set yank message when unyanking");
        var owned = await access.RequireOwnedAsync(name, principal, TokenScopes.Yank, cancellationToken);
        if (owned.Error is { } error) return error;
        var crate = owned.Value!;
        var current = await crates.FindVersionAsync(crate.CanonicalName, version, cancellationToken);
        if (current is null) return RegistryError.NotFound($"crate `{crate.Name}` has no version `{version}`");
        if (reason is not null && yanked is null && !current.Yanked)
            return RegistryError.BadRequest("Cannot update yank message for a version that is not yanked");
        var set = await SetYankedAsync(crate.Name, current.Version, yanked ?? current.Yanked, principal, cancellationToken, reason);
        if (set.Error is { } failed) return failed;
        return Result<VersionRecord>.Ok((await crates.FindVersionAsync(crate.CanonicalName, current.Version, cancellationToken))!);
    }

    public async Task<Result<bool>> SetYankedAsync(string name, string version, bool yanked, Principal principal, CancellationToken cancellationToken, string? reason = null)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > MaxReasonLength })
            return RegistryError.BadRequest($"the reason for yanking is longer than {MaxReasonLength} characters; shorten it");
        var owned = await access.RequireOwnedAsync(name, principal, TokenScopes.Yank, cancellationToken);
        if (owned.Error is { } error) return error;
        var crate = owned.Value!;
        bool changed;
        try
        {
            changed = await crates.SetYankedAsync(crate.CanonicalName, version, yanked, time.GetUtcNow(), cancellationToken, reason);
        }
        finally
        {
            // This node stops serving the old file at once; other nodes follow the change counter (IndexChangeFollower).
            index.Invalidate(crate.CanonicalName);
        }
        if (!changed)
        {
            return RegistryError.NotFound($"crate `{crate.Name}` has no version `{version}`");
        }
        logger.LogInformation("{Action} {Crate} {Version} by {User}", yanked ? "Yanked" : "Unyanked", crate.Name, version, principal.Username);
        await audit.RecordAsync(principal, yanked ? Audit.AuditActions.CrateYanked : Audit.AuditActions.CrateUnyanked, $"crate:{crate.Name}@{version}",
            reason is null ? null : new Dictionary<string, string?> { ["reason"] = reason }, cancellationToken);
        return Result<bool>.Ok(true);
    }
}
