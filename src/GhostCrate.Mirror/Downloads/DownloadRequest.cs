namespace GhostCrate.Mirror.Downloads;

/// <summary>One file to fetch: where from, and the SHA-256 (a crate's index `cksum`) it must hash to before it is accepted.</summary>
/// <param name="FinalPath">Where the verified file goes; null for a .crate file (its place in crates/).</param>
/// <param name="PartialPath">Where its bytes collect until verified; null for a .crate file (.ghostcrate/partial/).</param>
public sealed record DownloadRequest(string Name, string Version, string Cksum, Uri Url, string? FinalPath = null, string? PartialPath = null);

public enum DownloadStatus
{
    /// <summary>Fetched, verified and moved into place this run.</summary>
    Downloaded,
    /// <summary>Already in the mirror (verified when it was accepted); nothing was requested.</summary>
    Present,
    /// <summary>The upstream says the file does not exist (404/410).</summary>
    NotFound,
    /// <summary>Every attempt failed, or a failure that retrying cannot fix.</summary>
    Failed,
}

/// <summary>What happened to one file; also its manifest line.</summary>
public sealed record DownloadOutcome(
    DownloadRequest Request,
    DownloadStatus Status,
    long Size,
    string? Sha256,
    int Attempts,
    TimeSpan Duration,
    long ResumedFrom,
    string? Error)
{
    public bool Succeeded => Status is DownloadStatus.Downloaded or DownloadStatus.Present;
}
