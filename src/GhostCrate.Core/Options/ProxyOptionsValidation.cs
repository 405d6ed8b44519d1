namespace GhostCrate.Core.Options;

/// <summary>Start-up validation of the Proxy section; each problem names its key.</summary>
public static class ProxyOptionsValidation
{
    /// <summary>
    /// First path segments the server already uses (or will: UI pages, assets). A mount may not take them, or it would
    /// shadow the private registry's routes.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedMountNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "index", "api", "me", "health", "ready", "metrics", "admin", "login", "logout", "account", "crates", "search",
        "static", "assets", "css", "js", "lib", "favicon.ico", "robots.txt", "docs", "proxy", "mirror", "ui", "users", "tokens",
    };

    public static IEnumerable<string> Validate(ProxyOptions proxy)
    {
        if (proxy.IndexCacheMegabytes < 0) yield return $"Proxy:IndexCacheMegabytes must be 0 (off) or positive (got {proxy.IndexCacheMegabytes})";
        if (proxy.MaxCrateSizeBytes <= 0) yield return $"Proxy:MaxCrateSizeBytes must be positive (got {proxy.MaxCrateSizeBytes})";
        if (proxy.StatsFlushInterval <= TimeSpan.Zero) yield return $"Proxy:StatsFlushInterval must be positive (got {proxy.StatsFlushInterval})";
        if (proxy.QuarantineHours is < 0 or > 24 * 365) yield return $"Proxy:QuarantineHours must be 0 (off) to 8760 hours (got {proxy.QuarantineHours})";
        foreach (var (name, upstream) in proxy.Upstreams)
        {
            var key = $"Proxy:Upstreams:{name}";
            if (!IsMountName(name))
            {
                yield return $"{key}: `{name}` is not a valid mount name (lowercase letters, digits and '-', starting with a letter, at most 64 characters)";
            }
            else if (ReservedMountNames.Contains(name))
            {
                yield return $"{key}: `{name}` is a path GhostCrate already uses; choose another mount name";
            }
            if (upstream.IndexUrl is null && name != ProxyOptions.CratesIo) yield return $"{key}:IndexUrl is required (the upstream's sparse index, e.g. https://index.example.com/)";
            if (upstream.IndexUrl is { } index && !IsHttpUrl(StripSparse(index))) yield return $"{key}:IndexUrl must be an absolute http(s) URL (got '{index}')";
            if (upstream.ApiUrl is { Length: > 0 } api && !IsHttpUrl(api)) yield return $"{key}:ApiUrl must be an absolute http(s) URL (got '{api}')";
            if (upstream.DownloadUrl is { Length: > 0 } dl && !IsHttpUrl(dl.Replace("{", "", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal)))
                yield return $"{key}:DownloadUrl must be an absolute http(s) URL or `dl` template (got '{dl}')";
            if (upstream.HttpProxy is { Length: > 0 } httpProxy && !httpProxy.Equals("none", StringComparison.OrdinalIgnoreCase) && !IsHttpUrl(httpProxy))
                yield return $"{key}:HttpProxy must be `none` or an http(s) proxy URL such as http://proxy:3128 (got '{httpProxy}')";
            if (upstream.Ttl < TimeSpan.Zero) yield return $"{key}:Ttl must not be negative (got {upstream.Ttl})";
            if (upstream.ConnectTimeout <= TimeSpan.Zero) yield return $"{key}:ConnectTimeout must be positive (got {upstream.ConnectTimeout})";
            if (upstream.RequestTimeout <= TimeSpan.Zero) yield return $"{key}:RequestTimeout must be positive (got {upstream.RequestTimeout})";
            if (upstream.StallTimeout <= TimeSpan.Zero) yield return $"{key}:StallTimeout must be positive (got {upstream.StallTimeout})";
            if (upstream.CircuitBreakerFailures < 0) yield return $"{key}:CircuitBreakerFailures must be 0 (off) or more (got {upstream.CircuitBreakerFailures})";
            if (upstream.CircuitBreakerCoolDown <= TimeSpan.Zero) yield return $"{key}:CircuitBreakerCoolDown must be positive (got {upstream.CircuitBreakerCoolDown})";
        }
    }

    public static bool IsMountName(string name) =>
        name.Length is > 0 and <= 64
        && char.IsAsciiLetterLower(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static string StripSparse(string url) =>
        url.StartsWith("sparse+", StringComparison.OrdinalIgnoreCase) ? url["sparse+".Length..] : url;

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
