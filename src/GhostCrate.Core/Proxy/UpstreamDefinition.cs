using GhostCrate.Core.Options;
using GhostCrate.Protocol.Client;

namespace GhostCrate.Core.Proxy;

/// <summary>The validated settings of one upstream, with the crates.io defaults filled in.</summary>
public sealed record UpstreamDefinition(
    string Name,
    Uri IndexUrl,
    Uri? ApiUrl,
    string? DownloadTemplate,
    TimeSpan Ttl,
    string? HttpProxy,
    TimeSpan ConnectTimeout,
    TimeSpan RequestTimeout,
    TimeSpan StallTimeout,
    bool IncludeInSearch,
    string? Token,
    int CircuitBreakerFailures,
    TimeSpan CircuitBreakerCoolDown,
    bool PrefetchDependencies = true,
    bool PrefetchCrates = true)
{
    public static readonly Uri CratesIoIndex = new("https://index.crates.io/");
    public static readonly Uri CratesIoApi = new("https://crates.io/");

    /// <summary>Never prints <see cref="Token"/> (a record's generated ToString would, into any log that formats it).</summary>
    public override string ToString() => $"{Name} ({IndexUrl})";

    /// <summary>The IHttpClientFactory name of this upstream's client.</summary>
    public string HttpClientName => "ghostcrate-upstream-" + Name;

    /// <summary>
    /// The mount `crates-io` stands for crates.io: its defaults are the real crates.io, and Cargo.lock sources of
    /// crates.io (whatever the source replacement) belong to it.
    /// </summary>
    public bool IsCratesIo => Name == ProxyOptions.CratesIo;

    /// <summary>Assumes <see cref="ProxyOptionsValidation"/> passed.</summary>
    public static UpstreamDefinition From(string name, UpstreamOptions options)
    {
        var isCratesIo = name == ProxyOptions.CratesIo;
        var index = options.IndexUrl is { Length: > 0 } configured
            ? SparseRegistryClient.NormalizeIndexUrl(new Uri(configured.StartsWith("sparse+", StringComparison.OrdinalIgnoreCase) ? configured["sparse+".Length..] : configured))
            : CratesIoIndex;
        Uri? api = options.ApiUrl is { Length: > 0 } a ? new Uri(a) : isCratesIo && options.IndexUrl is null ? CratesIoApi : null;
        return new UpstreamDefinition(
            name,
            index,
            api,
            string.IsNullOrWhiteSpace(options.DownloadUrl) ? null : options.DownloadUrl,
            options.Ttl,
            string.IsNullOrWhiteSpace(options.HttpProxy) ? null : options.HttpProxy,
            options.ConnectTimeout,
            options.RequestTimeout,
            options.StallTimeout,
            options.IncludeInSearch,
            string.IsNullOrEmpty(options.Token) ? null : options.Token,
            options.CircuitBreakerFailures,
            options.CircuitBreakerCoolDown,
            options.PrefetchDependencies,
            options.PrefetchCrates);
    }
}
