namespace GhostCrate.Protocol.Client;

/// <summary>
/// The outcome of copying a .crate file into a caller's stream. On anything but <see cref="FetchStatus.Ok"/> the
/// destination may hold a partial body: the caller discards it.
/// </summary>
public sealed record DownloadResult(FetchStatus Status, long Length, int? HttpStatus, string? Error)
{
    public static DownloadResult Ok(long length) => new(FetchStatus.Ok, length, 200, null);

    public static DownloadResult NotFound(int httpStatus) => new(FetchStatus.NotFound, 0, httpStatus, null);

    public static DownloadResult Failed(string error, int? httpStatus = null) => new(FetchStatus.Error, 0, httpStatus, error);
}
