using GhostCrate.Protocol.Client;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// An upstream index file as we keep it. <see cref="ETag"/> and <see cref="LastModified"/> are ours (served to cargo);
/// <see cref="Upstream"/> holds the upstream's validators for revalidation; <see cref="FetchedAt"/> is when the
/// upstream last confirmed the content (200 or 304), the start of the TTL.
/// </summary>
public sealed record CachedIndexFile(
    string UpstreamName,
    string CrateName,
    byte[] Content,
    string ETag,
    DateTimeOffset LastModified,
    DateTimeOffset FetchedAt,
    IndexValidators Upstream);

/// <summary>A verified .crate in the blob store, as its usage row records it (crate name in lowercase).</summary>
public sealed record CachedCrateRecord(string Upstream, string CrateName, string Version, long Size, string Checksum, DateTimeOffset StoredAt);

/// <summary>What an upstream's cache holds.</summary>
public sealed record ProxyCacheUsage(long IndexFiles, long IndexBytes, long CrateFiles, long CrateBytes);

/// <summary>Port for the proxy cache's metadata. Crate bytes live in the blob store (<see cref="Storage.BlobKey.ProxyCrateFile"/>).</summary>
public interface IProxyCacheRepository
{
    /// <summary>The cached index file of a lowercase crate name, or null.</summary>
    Task<CachedIndexFile?> FindIndexFileAsync(string upstream, string crateName, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the cached index file.</summary>
    Task SaveIndexFileAsync(CachedIndexFile file, CancellationToken cancellationToken);

    /// <summary>After a 304: only the fetch time (and any validators the upstream sent again) change.</summary>
    Task TouchIndexFileAsync(string upstream, string crateName, DateTimeOffset fetchedAt, IndexValidators validators, CancellationToken cancellationToken);

    /// <summary>The upstream says the crate no longer exists.</summary>
    Task DeleteIndexFileAsync(string upstream, string crateName, CancellationToken cancellationToken);

    /// <summary>Records a verified .crate stored in the blob store; a second record of the same file is ignored.</summary>
    Task RecordCrateFileAsync(string upstream, string crateName, string version, long size, string checksum, DateTimeOffset storedAt, CancellationToken cancellationToken);

    /// <summary>
    /// One transaction for the proxy's write-behind (<see cref="ProxyWriteBehind"/>): inserts or replaces the index
    /// files and records the .crate files (each already stored in the blob store), as <see cref="SaveIndexFileAsync"/>
    /// and <see cref="RecordCrateFileAsync"/> would one by one. Either everything is written or nothing.
    /// </summary>
    Task SaveBatchAsync(IReadOnlyList<CachedIndexFile> indexFiles, IReadOnlyList<CachedCrateRecord> crateFiles, CancellationToken cancellationToken);

    Task<ProxyCacheUsage> GetUsageAsync(string upstream, CancellationToken cancellationToken);
}
