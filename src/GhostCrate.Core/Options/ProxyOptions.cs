namespace GhostCrate.Core.Options;

/// <summary>
/// The pull-through proxy (section "Proxy"): upstream sparse registries mounted under their own path, e.g.
/// crates.io at /crates-io/index/. Off by default, so a fresh install never talks to the internet; when on, nothing
/// contacts an upstream before the first request that needs it. See docs/proxy.md.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";
    public const string CratesIo = "crates-io";

    public bool Enabled { get; set; }

    /// <summary>Mount name (the first path segment) to upstream. Empty means the one default upstream `crates-io`.</summary>
    public Dictionary<string, UpstreamOptions> Upstreams { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Dependency-confusion guard: a NEW private crate whose name exists in an upstream is refused unless this is true.
    /// </summary>
    public bool AllowPrivateNamesThatExistUpstream { get; set; }

    /// <summary>
    /// When the guard cannot ask an upstream (unreachable, and the name is not cached), a new private crate is refused
    /// (fail closed) unless this is true.
    /// </summary>
    public bool AllowPublishWhenUpstreamUnreachable { get; set; }

    /// <summary>
    /// Memory per node and upstream for proxied index files that are fresh (younger than the upstream's Ttl), so a
    /// warm index request or a 304 through a mount costs no database query (Core/Proxy/ProxyIndexService). 0 = off.
    /// </summary>
    public int IndexCacheMegabytes { get; set; } = 32;

    /// <summary>Largest .crate accepted from an upstream (spooled to a temp file while its checksum is verified).</summary>
    public long MaxCrateSizeBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Quarantine of fresh proxied versions: a version published upstream less than this many hours ago (its index
    /// entry's `pubtime`, else the time this registry first saw a download request for it) is refused at download
    /// until it has aged, unless its crate has an exemption. 0 turns the quarantine off.
    /// </summary>
    public int QuarantineHours { get; set; }

    /// <summary>How often the in-memory hit/miss counters are added to the database.</summary>
    public TimeSpan StatsFlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The upstreams in effect: none when disabled, the default crates-io one when none is configured.</summary>
    public IReadOnlyList<KeyValuePair<string, UpstreamOptions>> EffectiveUpstreams() =>
        !Enabled ? []
        : Upstreams.Count == 0 ? [new(CratesIo, new UpstreamOptions())]
        : Upstreams.OrderBy(u => u.Key, StringComparer.Ordinal).ToList();
}

/// <summary>One upstream sparse registry (Proxy:Upstreams:NAME:...).</summary>
public sealed class UpstreamOptions
{
    /// <summary>The upstream's sparse index root. Default for `crates-io`: https://index.crates.io/; required otherwise.</summary>
    public string? IndexUrl { get; set; }

    /// <summary>The upstream's web API root (search). Default for `crates-io`: https://crates.io; else the config.json `api`.</summary>
    public string? ApiUrl { get; set; }

    /// <summary>A `dl` template that replaces the one of the upstream's config.json (e.g. a nearby CDN).</summary>
    public string? DownloadUrl { get; set; }

    /// <summary>How long a cached index file is served without asking the upstream.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Outbound HTTP proxy for this upstream: empty = HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment,
    /// `none` = connect directly, otherwise a proxy URL such as http://proxy.internal:3128.
    /// </summary>
    public string? HttpProxy { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bounds the wait for an upstream's answer: index, config.json and search requests with their bodies, a .crate
    /// download until its headers (its body is bounded by <see cref="StallTimeout"/>). Below cargo's own 30 s stall
    /// limit (http.timeout, https://doc.rust-lang.org/cargo/reference/config.html#httptimeout), so that a hanging
    /// upstream turns into a stale cached copy before cargo gives up on the request.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Longest pause in a .crate download's body: each received chunk moves the deadline this far ahead, so a large
    /// download over a slow link runs as long as it keeps receiving bytes, and one that sends nothing for this long fails.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Failed requests in a row (errors, 5xx, timeouts) after which this node stops asking the upstream for
    /// <see cref="CircuitBreakerCoolDown"/> and serves cached copies at once (Core/Proxy/UpstreamCircuitBreaker.cs);
    /// 0 turns the breaker off.
    /// </summary>
    public int CircuitBreakerFailures { get; set; } = 3;

    /// <summary>How long an open circuit refuses requests before one probe request is let through.</summary>
    public TimeSpan CircuitBreakerCoolDown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When an index file is fetched for the first time, fetch the index files its newest versions depend on right
    /// away, before cargo asks for them (Core/Proxy/ProxyIndexPrefetch.cs): a first resolve through an empty cache then
    /// waits for the upstream far less. Costs upstream requests for dependencies cargo may not need.
    /// </summary>
    public bool PrefetchDependencies { get; set; } = true;

    /// <summary>
    /// When a client reads an index file, download its newest release's .crate right away, before cargo asks for it
    /// (Core/Proxy/ProxyCratePrefetch.cs): the downloads of a first build through an empty cache are then answered from
    /// the cache. Costs an upstream download for each crate read whose newest release nobody then downloads.
    /// </summary>
    public bool PrefetchCrates { get; set; } = true;

    /// <summary>The private registry's `cargo search` also lists this upstream's hits, marked with the mount name.</summary>
    public bool IncludeInSearch { get; set; }

    /// <summary>Sent to an `auth-required` upstream (index and same-origin downloads only).</summary>
    public string? Token { get; set; }
}
