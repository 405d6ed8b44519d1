using System.Text.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Notifications;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Core.Following;

/// <summary>
/// Who follows the crate an event is about, directly or through an organization that owns it, and may still read it.
/// Read access is decided now, not when the user followed: a crate made restricted, or a grant removed, stops the mail
/// (<see cref="CrateAccess.CanReadAsync(CrateRecord, Principal?, CancellationToken)"/>, the check of the crate's page).
/// A whole crate that was deleted has no restriction left to check: <see cref="CrateAccess.CanSeeDeleted"/> decides, as
/// for its 410 page. Its deletion ended its follows, so its crate.deleted event is the last one its followers hear of
/// (<see cref="IFollowRepository.EndedFollowerIdsAsync"/>); a mail queued for an earlier event and unsent by then is not sent.
/// </summary>
public sealed class FollowerRecipients(
    IFollowRepository follows,
    ICrateRepository crates,
    Deletion.IDeletionRepository deletions,
    CrateAccess access,
    IUserRepository users)
{
    public async Task<IReadOnlyList<long>> ForEventAsync(RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        if (registryEvent.CrateName is not { } name) return [];
        var canonical = CrateName.Canonicalize(name);
        var candidates = new HashSet<long>(await follows.CrateFollowerIdsAsync(canonical, cancellationToken));
        // A whole crate's deletion ended its follows in the same transaction: only its own event still finds them.
        if (registryEvent.Type == RegistryEventTypes.CrateDeleted) candidates.UnionWith(await follows.EndedFollowerIdsAsync(registryEvent.Id, cancellationToken));
        candidates.UnionWith(await follows.OrgFollowerIdsAsync(canonical, FormerOrgOwners(registryEvent), cancellationToken));
        if (candidates.Count == 0) return [];

        var crate = await crates.FindAsync(canonical, cancellationToken);
        IReadOnlyCollection<long> formerOwners = crate is null ? (await deletions.ListTombstonesAsync(canonical, cancellationToken)).Crate?.OwnerIds ?? [] : [];
        var readers = new List<long>();
        foreach (var userId in candidates.Order())
        {
            if (await users.FindByIdAsync(userId, cancellationToken) is not { IsDisabled: false } user) continue;
            // Read-only and without scopes, as a feed reader: enough to decide visibility, nothing else.
            var viewer = new Principal(user.Id, user.Username, user.IsAdmin, null, TokenScopes.Unrestricted, IsReadOnly: true);
            var mayRead = crate is null
                ? access.CanSeeDeleted(formerOwners, viewer)
                : await access.CanReadAsync(crate, viewer, cancellationToken);
            if (mayRead) readers.Add(userId);
        }
        return readers;
    }

    private static IReadOnlyCollection<string> FormerOrgOwners(RegistryEvent registryEvent) =>
        registryEvent.Type == RegistryEventTypes.CrateDeleted
        && registryEvent.Data.ValueKind == JsonValueKind.Object
        && registryEvent.Data.TryGetProperty("org_owners", out var owners) && owners.ValueKind == JsonValueKind.Array
            ? [.. owners.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!)]
            : [];
}
