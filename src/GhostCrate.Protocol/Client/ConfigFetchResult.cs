using GhostCrate.Protocol.Index;

namespace GhostCrate.Protocol.Client;

/// <summary>The upstream's config.json, parsed; <see cref="Config"/> is set only for <see cref="FetchStatus.Ok"/>.</summary>
public sealed record ConfigFetchResult(FetchStatus Status, RegistryConfig? Config, int? HttpStatus, string? Error)
{
    public static ConfigFetchResult Ok(RegistryConfig config) => new(FetchStatus.Ok, config, 200, null);

    public static ConfigFetchResult From(IndexFetchResult failed) =>
        new(failed.Status == FetchStatus.NotFound ? FetchStatus.NotFound : FetchStatus.Error, null, failed.HttpStatus,
            failed.Error ?? $"config.json answered HTTP {failed.HttpStatus}");

    public static ConfigFetchResult Failed(string error) => new(FetchStatus.Error, null, null, error);
}
