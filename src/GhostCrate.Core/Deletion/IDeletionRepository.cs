namespace GhostCrate.Core.Deletion;

/// <summary>
/// Port for deleting crates and versions and for the tombstones they leave (docs/security.md "Deleting crates and
/// versions"). Names passed in are canonical.
/// </summary>
public interface IDeletionRepository
{
    /// <summary>What the owners' rules look at, or null for an unknown crate.</summary>
    Task<DeletionFacts?> GetFactsAsync(string canonicalName, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: tombstones for the deleted versions (and the crate when its last version goes), the rows
    /// removed (versions with their dependencies, downloads, docs, licences, content flags and advisory findings;
    /// for a whole crate also owners, keywords, categories and its follows, which end under the crate.deleted event's
    /// id: <see cref="Following.IFollowRepository.EndedFollowerIdsAsync"/>), the index file rewritten or removed with
    /// the next change counter value, the crate.deleted event and the job that deletes the blobs after the commit. Null when
    /// the crate or the version does not exist (nothing written).
    /// </summary>
    Task<DeletionOutcome?> DeleteAsync(DeletionRequest request, CancellationToken cancellationToken);

    /// <summary>The tombstone of a deleted version (matched by version key: build metadata ignored), or null.</summary>
    Task<VersionTombstone?> FindVersionTombstoneAsync(string canonicalName, string versionKey, CancellationToken cancellationToken);

    /// <summary>The tombstones of a crate's deleted versions, newest first, and of the crate itself if it was deleted.</summary>
    Task<CrateTombstones> ListTombstonesAsync(string canonicalName, CancellationToken cancellationToken);

    /// <summary>Every deleted version of the registry, newest deletion first, a page at a time, with the total.</summary>
    Task<(IReadOnlyList<DeletedVersion> Items, long Total)> ListDeletedAsync(int offset, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// A deleted version for the administrators' list: <paramref name="Crate"/> as last spelt (the crate's or its
/// tombstone's name), and whether the whole crate is gone.
/// </summary>
public sealed record DeletedVersion(string Crate, string Version, string? DeletedBy, DateTimeOffset DeletedAt, string? Reason, bool CrateDeleted);

/// <summary>A crate as the deletion rules see it.</summary>
public sealed record DeletionFacts(
    string Name,
    DateTimeOffset CreatedAt,
    long Downloads,
    int OwnerCount,
    IReadOnlyList<DeletionVersionFacts> Versions,
    IReadOnlyList<ReverseDependency> Dependents);

public sealed record DeletionVersionFacts(string Version, DateTimeOffset CreatedAt, long Downloads);

/// <summary>A version of another crate of this registry that depends on the crate (any kind), with its requirement.</summary>
public sealed record ReverseDependency(string Crate, string Version, string Req);

/// <summary><paramref name="Version"/> null deletes the whole crate.</summary>
public sealed record DeletionRequest(string CanonicalName, string? Version, string? VersionKey, string? DeletedBy, string? Reason, DateTimeOffset Now);

/// <summary>The crate's spelling, the versions deleted, and whether the crate itself is gone (its last version was deleted).</summary>
public sealed record DeletionOutcome(string Name, IReadOnlyList<string> Versions, bool CrateDeleted);

public sealed record VersionTombstone(string CanonicalName, string Version, string Checksum, string? DeletedBy, DateTimeOffset DeletedAt, string? Reason);

public sealed record CrateTombstone(string Name, IReadOnlyList<long> OwnerIds, string? DeletedBy, DateTimeOffset DeletedAt, string? Reason);

public sealed record CrateTombstones(CrateTombstone? Crate, IReadOnlyList<VersionTombstone> Versions);
