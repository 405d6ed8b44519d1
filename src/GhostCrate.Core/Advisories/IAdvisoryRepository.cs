namespace GhostCrate.Core.Advisories;

/// <summary>Stored advisories and the versions they affect.</summary>
public interface IAdvisoryRepository
{
    /// <summary>
    /// Makes the stored set equal to <paramref name="advisories"/> in one transaction: new ids are added, changed
    /// texts replaced, ids absent from the set removed (with their findings). Returns (added, updated, removed, unchanged).
    /// </summary>
    Task<(int Added, int Updated, int Removed, int Unchanged)> ReplaceAllAsync(IReadOnlyList<StoredAdvisory> advisories, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The stored advisory texts whose package is one of <paramref name="canonicalNames"/> (all when null).</summary>
    Task<IReadOnlyList<string>> TextsAsync(IReadOnlyCollection<string>? canonicalNames, CancellationToken cancellationToken);

    Task<string?> TextAsync(string id, CancellationToken cancellationToken);

    /// <summary>Packages (canonical names) that have at least one stored advisory, among <paramref name="canonicalNames"/>.</summary>
    Task<IReadOnlyList<string>> PackagesWithAdvisoriesAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken);

    /// <summary>Private and cached proxied versions of the named crates (canonical names).</summary>
    Task<IReadOnlyList<KnownVersion>> KnownVersionsAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the findings of the named crates with <paramref name="affected"/> in one transaction, and in the same
    /// transaction writes an advisory.matched event (<see cref="AdvisoryMatchedEvent"/>) for each finding never
    /// announced before: once per advisory, source, crate and version, however many syncs or nodes store it.
    /// <paramref name="advisories"/> holds (by id) the advisories the findings come from. Returns the events written.
    /// </summary>
    Task<int> ReplaceAffectedAsync(IReadOnlyCollection<string> canonicalNames, IReadOnlyList<AffectedVersion> affected,
        IReadOnlyDictionary<string, Advisory> advisories, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every stored finding (the administrators' list of affected crates).</summary>
    Task<IReadOnlyList<AffectedVersion>> AllAffectedAsync(CancellationToken cancellationToken);

    /// <summary>Stored findings for one crate (canonical name), optionally one version.</summary>
    Task<IReadOnlyList<AffectedVersion>> AffectedAsync(string canonicalName, string? version, CancellationToken cancellationToken);
}
