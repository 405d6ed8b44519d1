namespace GhostCrate.Core.Crates;

/// <summary>An open invitation to own a crate (crates.io's crate_owner_invitations); one per crate and user.</summary>
public sealed record OwnerInvitationRecord(
    long CrateId,
    string CrateName,
    long UserId,
    string Username,
    long? InvitedById,
    string? InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>
/// A user's open invitations for the header badge: to join organizations (as their list shows them) and to own
/// crates (unexpired). Counted together in one query, as every signed-in page asks.
/// </summary>
public sealed record PendingInvitationCounts(int Organizations, int Crates)
{
    public static readonly PendingInvitationCounts None = new(0, 0);

    public int Total => Organizations + Crates;
}

/// <summary>What inviting did: a new invitation, or one was already waiting (crates.io answers both with ok).</summary>
public enum InviteOutcome
{
    Invited,
    AlreadyPending,
}

/// <summary>Port for crate owner invitations. Answers of expired invitations are refused by the store, in its transaction.</summary>
public interface IOwnerInvitationRepository
{
    /// <summary>Creates the invitation, replacing an expired one of the same crate and user.</summary>
    Task<InviteOutcome> InviteAsync(long crateId, long userId, long invitedBy, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Open (unexpired at <paramref name="now"/>) invitations of a user, oldest first.</summary>
    Task<IReadOnlyList<OwnerInvitationRecord>> ListForUserAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// How many invitations a user has open at <paramref name="now"/>: to own crates (as <see cref="ListForUserAsync"/>)
    /// and to join organizations (as IOrganizationRepository.ListInvitationsForUserAsync), in one query.
    /// </summary>
    Task<PendingInvitationCounts> CountForUserAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Open invitations to a crate, oldest first.</summary>
    Task<IReadOnlyList<OwnerInvitationRecord>> ListForCrateAsync(long crateId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The invitation of this crate and user, expired or not, or null.</summary>
    Task<OwnerInvitationRecord?> FindAsync(long crateId, long userId, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: deletes the invitation if it is still open at <paramref name="now"/>, makes its user an owner
    /// and writes the owners-changed event. False (nothing changed) when there is no open invitation.
    /// </summary>
    Task<bool> AcceptAsync(long crateId, long userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the invitation (declined, revoked or found expired); false when there was none.</summary>
    Task<bool> DeleteAsync(long crateId, long userId, CancellationToken cancellationToken);
}
