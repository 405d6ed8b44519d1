using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;

namespace GhostCrate.Core.Crates;

/// <summary>Shared checks for operations on an existing crate: it exists, the caller owns it, the token allows it.</summary>
public sealed class CrateAccess(ICrateRepository crates, IOwnerRepository owners)
{
    public async Task<Result<CrateRecord>> RequireOwnedAsync(string name, Principal principal, string scope, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(Protocol.Crates.CrateName.Canonicalize(name), cancellationToken);
        if (crate is null) return RegistryError.NotFound($"crate `{name}` does not exist in this registry");
        if (Guards.RequireWriter(principal) is { } readOnly) return readOnly;
        if (Guards.RequireEndpointScope(principal, scope, $"{Describe(scope)} `{crate.Name}`") is { } missingScope) return missingScope;
        if (!principal.Scopes.AllowsCrate(crate.Name))
        {
            return RegistryError.Forbidden($"this token is limited to the crates {string.Join(", ", principal.Scopes.Crates!)} and may not change `{crate.Name}`");
        }
        if (!principal.IsAdmin && !await owners.IsOwnerAsync(crate.Id, principal.UserId, cancellationToken))
        {
            return RegistryError.Forbidden($"you are not an owner of crate `{crate.Name}`; only its owners may do this (see `cargo owner --list {crate.Name}`)");
        }
        return Result<CrateRecord>.Ok(crate);
    }

    private static string Describe(string scope) => scope switch
    {
        TokenScopes.Yank => "yank or unyank versions of",
        TokenScopes.ChangeOwners => "change the owners of",
        _ => $"use `{scope}` on",
    };
}
