using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Proxy;

public enum ProxyDownloadStatus
{
    /// <summary><see cref="ProxyDownload.Content"/> is open; dispose it.</summary>
    Found,
    /// <summary>The upstream's index has no such crate or version.</summary>
    NotFound,
    /// <summary>The upstream's bytes do not match the index `cksum`: nothing was stored, nothing is served.</summary>
    ChecksumMismatch,
    /// <summary>Not cached and the upstream failed.</summary>
    Unavailable,
}

/// <summary>The answer to a proxied download.</summary>
public sealed record ProxyDownload(ProxyDownloadStatus Status, BlobContent? Content, string? Error);

/// <summary>
/// The result of one (coalesced) upstream fetch: stored, or why not. <see cref="Bytes"/> are the verified bytes this
/// fetch stored when they were small enough to keep in memory (read-only: every waiter shares them).
/// </summary>
internal sealed record ProxyDownloadOutcome(ProxyDownloadStatus Status, bool AlreadyStored, string? Error, ArraySegment<byte>? Bytes = null, DateTimeOffset? StoredAt = null)
{
    public static ProxyDownloadOutcome Stored(bool alreadyStored, ArraySegment<byte>? bytes = null, DateTimeOffset? storedAt = null) =>
        new(ProxyDownloadStatus.Found, alreadyStored, null, bytes, storedAt);
    public static ProxyDownloadOutcome Fail(ProxyDownloadStatus status, string error) => new(status, false, error);
}
