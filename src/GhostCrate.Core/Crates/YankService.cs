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
    public async Task<Result<bool>> SetYankedAsync(string name, string version, bool yanked, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireOwnedAsync(name, principal, TokenScopes.Yank, cancellationToken);
        if (owned.Error is { } error) return error;
        var crate = owned.Value!;
        bool changed;
        try
        {
            changed = await crates.SetYankedAsync(crate.CanonicalName, version, yanked, time.GetUtcNow(), cancellationToken);
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
        await audit.RecordAsync(principal, yanked ? Audit.AuditActions.CrateYanked : Audit.AuditActions.CrateUnyanked, $"crate:{crate.Name}@{version}", cancellationToken);
        return Result<bool>.Ok(true);
    }
}
