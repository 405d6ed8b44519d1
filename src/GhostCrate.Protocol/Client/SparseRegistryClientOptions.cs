namespace GhostCrate.Protocol.Client;

/// <summary>Limits and credentials for one upstream. Timeouts and proxies belong to the HttpClient the host builds.</summary>
public sealed record SparseRegistryClientOptions
{
    /// <summary>
    /// Sent as `Authorization` to the index origin (and to downloads on that same origin) for `auth-required`
    /// registries (https://doc.rust-lang.org/cargo/reference/registry-authentication.html). Never sent elsewhere,
    /// so a `dl` pointing at a CDN cannot collect it.
    /// </summary>
    public string? AuthToken { get; init; }

    /// <summary>The largest index file accepted. crates.io's biggest files are a few MB; this bounds memory per request.</summary>
    public long MaxIndexFileBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>config.json is a few hundred bytes; anything near this is not a registry.</summary>
    public long MaxConfigBytes { get; init; } = 64 * 1024;
}
