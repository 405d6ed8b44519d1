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

/// <summary>The result of one (coalesced) upstream fetch: stored, or why not.</summary>
internal sealed record ProxyDownloadOutcome(ProxyDownloadStatus Status, bool AlreadyStored, string? Error)
{
    public static ProxyDownloadOutcome Stored(bool alreadyStored) => new(ProxyDownloadStatus.Found, alreadyStored, null);
    public static ProxyDownloadOutcome Fail(ProxyDownloadStatus status, string error) => new(status, false, error);
}
