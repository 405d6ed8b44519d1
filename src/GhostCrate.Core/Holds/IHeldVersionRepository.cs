namespace GhostCrate.Core.Holds;

/// <summary>
/// Versions waiting for an administrator's approval (docs/security.md "Approval hold"). A version is held by the
/// publish transaction itself (<see cref="Crates.NewCrateVersion.HoldReason"/>); this port lists, approves and
/// rejects them. Names passed in are canonical.
/// </summary>
public interface IHeldVersionRepository
{
    /// <summary>Every held version, oldest first.</summary>
    Task<IReadOnlyList<HeldVersion>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The held versions of one crate, oldest first (for its owners' and administrators' views).</summary>
    Task<IReadOnlyList<HeldVersion>> ListForCrateAsync(string canonicalName, CancellationToken cancellationToken);

    /// <summary>Whether this version exists and is held.</summary>
    Task<bool> IsHeldAsync(string canonicalName, string version, CancellationToken cancellationToken);

    /// <summary>The version row of a held version (for its reviewers' source browser), or null when it is not held.</summary>
    Task<Crates.VersionRecord?> FindHeldVersionAsync(string canonicalName, string version, CancellationToken cancellationToken);

    /// <summary>
    /// Makes a held version visible in one transaction: the flag is cleared, the crate's max_version recomputed, the
    /// index file rewritten with the next change counter (so every node serves it) and crate.published put in the
    /// outbox. Null when no such held version exists.
    /// </summary>
    Task<HeldVersion?> ApproveAsync(string canonicalName, string version, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a held version and its rows in one transaction; a crate left with no version at all is removed too, so
    /// its name is free again. The caller deletes the .crate blob after the commit. Null when no such held version exists.
    /// </summary>
    Task<RejectedVersion?> RejectAsync(string canonicalName, string version, CancellationToken cancellationToken);
}

/// <summary>A version waiting for approval, with what the reviewer needs to decide.</summary>
public sealed record HeldVersion(
    string Crate, string CanonicalName, string Version, string Reason, string? PublishedBy, DateTimeOffset HeldAt, string Checksum, long Size, bool NewCrate);

/// <summary>What a rejection removed: the version, and the crate too when it had no other version.</summary>
public sealed record RejectedVersion(HeldVersion Version, bool CrateRemoved);
