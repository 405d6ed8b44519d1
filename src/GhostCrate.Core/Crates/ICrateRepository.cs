namespace GhostCrate.Core.Crates;

/// <summary>Port for crates and their versions. Names passed in are canonical unless stated otherwise.</summary>
public interface ICrateRepository
{
    Task<CrateRecord?> FindAsync(string canonicalName, CancellationToken cancellationToken);

    /// <summary>All versions of a crate in publish order.</summary>
    Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(long crateId, CancellationToken cancellationToken);

    /// <summary>A version by exact version string, or null.</summary>
    Task<VersionRecord?> FindVersionAsync(string canonicalName, string version, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: creates the crate if it is new (owner = publisher), checks the spelling, the ownership and
    /// the version key, inserts the version and its dependencies, updates the crate (description, max_version,
    /// updated_at), then calls <paramref name="storeBlob"/> and commits. If <paramref name="storeBlob"/> throws
    /// the transaction rolls back and the exception propagates. <paramref name="storeBlob"/> is not called when
    /// the result is not Published. Concurrent publishes of the same crate are serialised; a racing duplicate
    /// version gets VersionExists, never a corrupt row.
    /// </summary>
    Task<PublishWriteResult> PublishAsync(NewCrateVersion version, Func<CancellationToken, Task> storeBlob, CancellationToken cancellationToken);

    /// <summary>Sets the yanked flag, recomputes max_version and bumps updated_at. False when the version is missing.</summary>
    Task<bool> SetYankedAsync(string canonicalName, string version, bool yanked, DateTimeOffset now, CancellationToken cancellationToken, string? message = null);

    /// <summary>The rows the index file of a crate is rendered from, or null for an unknown crate.</summary>
    Task<IndexSource?> GetIndexSourceAsync(string canonicalName, CancellationToken cancellationToken);

    /// <summary>Every word in name/description/keywords/categories; exact name first, then name prefix, then names holding the words, each group by recent (90-day) downloads, then all-time downloads (Data/Search).</summary>
    Task<CrateSearchPage> SearchAsync(string query, int offset, int limit, CancellationToken cancellationToken);

    Task IncrementDownloadsAsync(long versionId, CancellationToken cancellationToken);

    Task<long> CountCratesAsync(CancellationToken cancellationToken);

    /// <summary>What a download needs (version id, the crate's spelling, checksum) in one lookup, or null.</summary>
    async Task<DownloadTarget?> FindDownloadAsync(string canonicalName, string version, CancellationToken cancellationToken)
    {
        var row = await FindVersionAsync(canonicalName, version, cancellationToken);
        if (row is null) return null;
        var crate = await FindAsync(canonicalName, cancellationToken);
        return crate is null ? null : new DownloadTarget(row.Id, crate.Name, row.Version, row.Checksum, row.Size);
    }

    /// <summary>Adds counted downloads to versions and their crates, all in one transaction where the store can.</summary>
    async Task AddDownloadsAsync(IReadOnlyList<DownloadCount> counts, CancellationToken cancellationToken)
    {
        foreach (var count in counts)
        {
            for (var i = 0; i < count.Count; i++) await IncrementDownloadsAsync(count.VersionId, cancellationToken);
        }
    }
}

/// <summary>Port for crate ownership.</summary>
public interface IOwnerRepository
{
    Task<IReadOnlyList<OwnerRecord>> ListAsync(long crateId, CancellationToken cancellationToken);
    Task<bool> IsOwnerAsync(long crateId, long userId, CancellationToken cancellationToken);
    /// <summary>Adds an owner and drops their open invitation to the crate, if any; false when already an owner.</summary>
    Task<bool> AddAsync(long crateId, long userId, DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>Removes an owner; false when not an owner.</summary>
    Task<bool> RemoveAsync(long crateId, long userId, DateTimeOffset now, CancellationToken cancellationToken);
}
