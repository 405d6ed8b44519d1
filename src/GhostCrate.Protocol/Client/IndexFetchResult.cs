namespace GhostCrate.Protocol.Client;

/// <summary>
/// The answer to one index-file request (also used for config.json). <see cref="Content"/> is set only for
/// <see cref="FetchStatus.Ok"/>; <see cref="Validators"/> carries the upstream's ETag/Last-Modified for Ok and NotModified.
/// </summary>
public sealed record IndexFetchResult(
    FetchStatus Status,
    byte[]? Content,
    IndexValidators Validators,
    int? HttpStatus,
    string? Error)
{
    public static IndexFetchResult Ok(byte[] content, IndexValidators validators) =>
        new(FetchStatus.Ok, content, validators, 200, null);

    public static IndexFetchResult NotModified(IndexValidators validators) =>
        new(FetchStatus.NotModified, null, validators, 304, null);

    public static IndexFetchResult NotFound(int httpStatus) =>
        new(FetchStatus.NotFound, null, IndexValidators.None, httpStatus, null);

    public static IndexFetchResult Failed(string error, int? httpStatus = null) =>
        new(FetchStatus.Error, null, IndexValidators.None, httpStatus, error);
}
