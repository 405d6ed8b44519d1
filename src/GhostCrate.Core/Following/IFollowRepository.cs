namespace GhostCrate.Core.Following;

/// <summary>A crate someone follows, by its name as published. Deleting the crate ends the follow.</summary>
public sealed record FollowedCrate(string Name, DateTimeOffset Since);

/// <summary>An organization someone follows.</summary>
public sealed record FollowedOrg(string Name, DateTimeOffset Since);

/// <summary>What one user follows, each list sorted by name.</summary>
public sealed record FollowList(IReadOnlyList<FollowedCrate> Crates, IReadOnlyList<FollowedOrg> Orgs);

/// <summary>Who follows which crate or organization (Data/Following). Adding and removing are idempotent.</summary>
public interface IFollowRepository
{
    /// <summary>True when the follow is new; false when the user already followed the crate.</summary>
    Task<bool> FollowCrateAsync(long userId, string canonicalName, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when a follow was removed.</summary>
    Task<bool> UnfollowCrateAsync(long userId, string canonicalName, CancellationToken cancellationToken);

    Task<bool> FollowOrgAsync(long userId, long orgId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<bool> UnfollowOrgAsync(long userId, long orgId, CancellationToken cancellationToken);

    Task<FollowList> ListAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Whether the user follows the crate: one key lookup, for the crate page's button.</summary>
    Task<bool> FollowsCrateAsync(long userId, string canonicalName, CancellationToken cancellationToken);

    /// <summary>Whether the user follows the organization (by its canonical name), for the organization page's button.</summary>
    Task<bool> FollowsOrgAsync(long userId, string canonicalName, CancellationToken cancellationToken);

    /// <summary>The users who follow the crate itself.</summary>
    Task<IReadOnlyList<long>> CrateFollowerIdsAsync(string canonicalName, CancellationToken cancellationToken);

    /// <summary>
    /// The users whose follow of a crate ended when the crate was deleted by the crate.deleted event
    /// <paramref name="eventId"/> (the deletion transaction ends them: migration 0028); empty for any other event.
    /// </summary>
    Task<IReadOnlyList<long>> EndedFollowerIdsAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Forgets follows that ended before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PruneEndedAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// The users who follow an organization that owns the crate (directly or through a team), plus those who follow
    /// one of <paramref name="formerOrgOwners"/> (a deleted crate's owners, named by its crate.deleted event).
    /// </summary>
    Task<IReadOnlyList<long>> OrgFollowerIdsAsync(string canonicalName, IReadOnlyCollection<string> formerOrgOwners, CancellationToken cancellationToken);
}
