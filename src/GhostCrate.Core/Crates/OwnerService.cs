using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Crates;

/// <summary>`cargo owner` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-list).</summary>
public sealed class OwnerService(
    ICrateRepository crates,
    IOwnerRepository owners,
    IUserRepository users,
    CrateAccess access,
    TimeProvider time,
    ILogger<OwnerService> logger,
    Audit.AuditLog audit)
{
    public async Task<Result<IReadOnlyList<OwnerRecord>>> ListAsync(string name, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(Protocol.Crates.CrateName.Canonicalize(name), cancellationToken);
        if (crate is null) return RegistryError.NotFound($"crate `{name}` does not exist in this registry");
        return Result<IReadOnlyList<OwnerRecord>>.Ok(await owners.ListAsync(crate.Id, cancellationToken));
    }

    public async Task<Result<string>> AddAsync(string name, IReadOnlyList<string> logins, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireOwnedAsync(name, principal, TokenScopes.ChangeOwners, cancellationToken);
        if (owned.Error is { } error) return error;
        var crate = owned.Value!;
        if (logins.Count == 0) return RegistryError.BadRequest("name at least one user to add as an owner");
        var resolved = await ResolveAsync(logins, cancellationToken);
        if (resolved.Error is { } missing) return missing;
        var added = new List<string>();
        foreach (var user in resolved.Value!)
        {
            if (await owners.AddAsync(crate.Id, user.Id, time.GetUtcNow(), cancellationToken)) added.Add(user.Username);
        }
        logger.LogInformation("Owners {Owners} added to {Crate} by {User}", added, crate.Name, principal.Username);
        if (added.Count > 0) await audit.RecordAsync(principal, Audit.AuditActions.OwnersAdded, $"crate:{crate.Name}", new Dictionary<string, string?> { ["owners"] = string.Join(' ', added) }, cancellationToken);
        var msg = added.Count == 0
            ? $"{string.Join(", ", logins)} already own{(logins.Count == 1 ? "s" : "")} `{crate.Name}`"
            : $"user(s) {string.Join(", ", added)} are now owners of crate `{crate.Name}`";
        return Result<string>.Ok(msg);
    }

    public async Task<Result<string>> RemoveAsync(string name, IReadOnlyList<string> logins, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireOwnedAsync(name, principal, TokenScopes.ChangeOwners, cancellationToken);
        if (owned.Error is { } error) return error;
        var crate = owned.Value!;
        if (logins.Count == 0) return RegistryError.BadRequest("name at least one owner to remove");
        var resolved = await ResolveAsync(logins, cancellationToken);
        if (resolved.Error is { } missing) return missing;
        var current = await owners.ListAsync(crate.Id, cancellationToken);
        var removing = resolved.Value!.Select(u => u.Id).ToHashSet();
        var notOwners = resolved.Value!.Where(u => current.All(o => o.UserId != u.Id)).Select(u => u.Username).ToList();
        if (notOwners.Count > 0) return RegistryError.BadRequest($"{string.Join(", ", notOwners)} {(notOwners.Count == 1 ? "is" : "are")} not an owner of `{crate.Name}`");
        // A crate with no owner could never be yanked or handed over again.
        if (current.All(o => removing.Contains(o.UserId))) return RegistryError.BadRequest($"cannot remove every owner of `{crate.Name}`; add the new owner first");
        foreach (var id in removing) await owners.RemoveAsync(crate.Id, id, cancellationToken);
        logger.LogInformation("Owners {Owners} removed from {Crate} by {User}", logins, crate.Name, principal.Username);
        await audit.RecordAsync(principal, Audit.AuditActions.OwnersRemoved, $"crate:{crate.Name}", new Dictionary<string, string?> { ["owners"] = string.Join(' ', logins) }, cancellationToken);
        return Result<string>.Ok($"owners successfully removed from crate `{crate.Name}`");
    }

    private async Task<Result<IReadOnlyList<UserRecord>>> ResolveAsync(IReadOnlyList<string> logins, CancellationToken cancellationToken)
    {
        var found = new List<UserRecord>();
        foreach (var login in logins)
        {
            var user = await users.FindByNameAsync(login, cancellationToken);
            if (user is null) return RegistryError.NotFound($"could not find a user with login `{login}`");
            if (user.IsDisabled) return RegistryError.BadRequest($"user `{login}` is disabled and cannot own crates");
            found.Add(user);
        }
        return Result<IReadOnlyList<UserRecord>>.Ok(found);
    }
}
