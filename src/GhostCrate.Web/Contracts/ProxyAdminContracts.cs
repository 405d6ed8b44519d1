using System.Text.Json.Serialization;
using GhostCrate.Core.Proxy;

namespace GhostCrate.Web.Contracts;

/// <summary>Reply to GET /api/v1/admin/proxy/status; `enabled` is false when no upstream is configured.</summary>
public sealed record ProxyStatusResponse(
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("upstreams")] IReadOnlyList<UpstreamStatusInfo> Upstreams);

/// <summary>
/// One upstream: `reachable` is null until it was contacted once; counters add up every node's since the cache was
/// created; `circuit` (closed, open, half-open) and its times are the answering node's circuit breaker.
/// </summary>
public sealed record UpstreamStatusInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("indexUrl")] string IndexUrl,
    [property: JsonPropertyName("reachable")] bool? Reachable,
    [property: JsonPropertyName("lastSuccessAt")] DateTimeOffset? LastSuccessAt,
    [property: JsonPropertyName("lastErrorAt")] DateTimeOffset? LastErrorAt,
    [property: JsonPropertyName("lastError")] string? LastError,
    [property: JsonPropertyName("cache")] ProxyCacheInfo Cache,
    [property: JsonPropertyName("counters")] ProxyCountersInfo Counters,
    [property: JsonPropertyName("circuit")] string Circuit,
    [property: JsonPropertyName("circuitOpenedAt")] DateTimeOffset? CircuitOpenedAt,
    [property: JsonPropertyName("circuitRetryAt")] DateTimeOffset? CircuitRetryAt)
{
    public static UpstreamStatusInfo Of(UpstreamStatus s) => new(
        s.Name, s.IndexUrl, s.Reachable, s.Counters.LastSuccessAt, s.Counters.LastErrorAt, s.Counters.LastError,
        new ProxyCacheInfo(s.Cache.IndexFiles, s.Cache.IndexBytes, s.Cache.CrateFiles, s.Cache.CrateBytes),
        new ProxyCountersInfo(s.Counters.IndexHits, s.Counters.IndexMisses, s.Counters.Revalidations, s.Counters.NotModified,
            s.Counters.StaleServed, s.Counters.CrateHits, s.Counters.CrateMisses, s.Counters.ChecksumMismatches, s.Counters.Errors),
        CircuitName(s.Circuit), s.CircuitOpenedAt, s.CircuitRetryAt);

    private static string CircuitName(CircuitState state) => state switch
    {
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half-open",
        _ => "closed",
    };
}

public sealed record ProxyCacheInfo(
    [property: JsonPropertyName("indexFiles")] long IndexFiles,
    [property: JsonPropertyName("indexBytes")] long IndexBytes,
    [property: JsonPropertyName("crateFiles")] long CrateFiles,
    [property: JsonPropertyName("crateBytes")] long CrateBytes);

/// <summary>See <see cref="UpstreamCounters"/> for what each counter counts.</summary>
public sealed record ProxyCountersInfo(
    [property: JsonPropertyName("indexHits")] long IndexHits,
    [property: JsonPropertyName("indexMisses")] long IndexMisses,
    [property: JsonPropertyName("revalidations")] long Revalidations,
    [property: JsonPropertyName("notModified")] long NotModified,
    [property: JsonPropertyName("staleServed")] long StaleServed,
    [property: JsonPropertyName("crateHits")] long CrateHits,
    [property: JsonPropertyName("crateMisses")] long CrateMisses,
    [property: JsonPropertyName("checksumMismatches")] long ChecksumMismatches,
    [property: JsonPropertyName("errors")] long Errors);

/// <summary>
/// Body of POST /api/v1/admin/proxy/{upstream}/warm: crates (`name` for the newest version, `name@version`) and/or
/// the text of a Cargo.lock whose crates.io packages are fetched; at least one of the two.
/// </summary>
public sealed class WarmRequestBody
{
    [JsonPropertyName("crates")] public List<string>? Crates { get; init; }
    [JsonPropertyName("cargoLock")] public string? CargoLock { get; init; }
}

/// <summary>What warming did per crate version; `succeeded` is true when no item failed.</summary>
public sealed record WarmResponse(
    [property: JsonPropertyName("upstream")] string Upstream,
    [property: JsonPropertyName("succeeded")] bool Succeeded,
    [property: JsonPropertyName("items")] IReadOnlyList<WarmItemInfo> Items)
{
    public static WarmResponse Of(WarmReport report) => new(
        report.Upstream, report.Succeeded, report.Items.Select(i => new WarmItemInfo(i.Crate, i.Version, i.Status.ToString(), i.Error)).ToList());
}

/// <summary>`status` is one of <see cref="WarmItemStatus"/>'s names.</summary>
public sealed record WarmItemInfo(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("error")] string? Error);
