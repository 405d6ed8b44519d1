using System.Diagnostics.Metrics;
using GhostCrate.Core.Abstractions;

namespace GhostCrate.Core.Operations;

/// <summary>
/// GhostCrate's own instruments (System.Diagnostics.Metrics; the host exports them to Prometheus and OTLP through
/// OpenTelemetry). Names start with `ghostcrate_`; the exporter adds the unit and `_total` suffixes
/// (https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/). Labels only ever take values
/// from small fixed sets or from configuration (upstream names, backends): never crate, version or user names, so the
/// number of series stays bounded.
/// Recording costs nothing while no listener is attached (Metrics:Enabled=false), and the tags used on the hot paths
/// are built once here, so a measurement allocates nothing.
/// </summary>
public static class GhostCrateMetrics
{
    public const string MeterName = "GhostCrate";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Publishes = Meter.CreateCounter<long>("ghostcrate_publishes", description: "Publish requests, by result (ok or the error kind)");
    // The per-request counters of the index and download paths are plain interlocked counts read at collection time
    // (see HotPathCounts): an aggregator lookup per measurement would cost more than the rest of a 304.
    public static readonly ObservableCounter<long> Downloads = Meter.CreateObservableCounter("ghostcrate_downloads", HotPathCounts.Downloads, description: "Crate files served, by source (private, proxy, mirror) and where the bytes came from (memory, disk, storage)");
    public static readonly ObservableCounter<long> IndexRequests = Meter.CreateObservableCounter("ghostcrate_index_requests", HotPathCounts.IndexRequests, description: "Index files answered (200 or 304), by source (private, proxy, mirror)");
    public static readonly ObservableCounter<long> IndexNotModified = Meter.CreateObservableCounter("ghostcrate_index_not_modified", HotPathCounts.IndexNotModified, description: "Index requests answered 304 Not Modified, by source");
    public static readonly ObservableCounter<long> ProxyCache = Meter.CreateObservableCounter("ghostcrate_proxy_cache_requests", Proxy.ProxyCacheCounts.Measurements, description: "Proxy cache lookups by upstream, kind (index, crate) and result (hit, miss, stale)");
    public static readonly Counter<long> ProxyUpstreamErrors = Meter.CreateCounter<long>("ghostcrate_proxy_upstream_errors", description: "Failed requests to an upstream registry, by upstream");
    public static readonly Counter<long> ProxyIndexPrefetches = Meter.CreateCounter<long>("ghostcrate_proxy_index_prefetches", description: "Index files of dependencies queued to be fetched ahead of cargo, by upstream and result (queued, dropped: the queue was full)");
    public static readonly Counter<long> ProxyCratePrefetches = Meter.CreateCounter<long>("ghostcrate_proxy_crate_prefetches", description: "Index files read by clients whose newest release's .crate was queued to be fetched ahead of cargo, by upstream and result (queued, dropped: the queue was full)");
    public static readonly UpDownCounter<long> ProxyCircuitOpen = Meter.CreateUpDownCounter<long>("ghostcrate_proxy_upstream_circuit_open", description: "1 while this node's circuit breaker for an upstream is open or half-open (cached copies served without asking it), else 0; by upstream");
    public static readonly Counter<long> DependencyConfusionRefusals = Meter.CreateCounter<long>("ghostcrate_dependency_confusion_refusals", description: "First publishes refused because the name exists in an upstream registry");
    public static readonly Histogram<double> StorageDuration = Meter.CreateHistogram<double>("ghostcrate_storage_operation_duration", unit: "s", description: "Blob store operations, by backend (filesystem, s3) and operation");
    public static readonly Histogram<double> DatabaseDuration = Meter.CreateHistogram<double>("ghostcrate_db_operation_duration", unit: "s", description: "Database work (one connection's queries or one transaction), by provider");
    public static readonly Histogram<double> DownloadCountFlushLag = Meter.CreateHistogram<double>("ghostcrate_download_count_flush_lag", unit: "s", description: "Age of the oldest download count in a batch when the batch reached the database");
    public static readonly Counter<long> RateLimitRefusals = Meter.CreateCounter<long>("ghostcrate_rate_limit_refusals", description: "Requests refused by a rate limit, by policy");
    public static readonly Counter<long> SignIns = Meter.CreateCounter<long>("ghostcrate_sign_ins", description: "Sign-in attempts, by result (ok, refused) and provider (password or the single sign-on provider's name)");
    public static readonly Counter<long> NotificationDeliveries = Meter.CreateCounter<long>("ghostcrate_notification_deliveries", description: "Notification delivery attempts, by channel (webhook, slack, teams, email) and result (delivered; failed: retried while attempts remain; gave_up: refused for good, e.g. 410 Gone, a permanent SMTP refusal, or the last attempt)");
    public static readonly Counter<long> TokenUses = Meter.CreateCounter<long>("ghostcrate_token_uses", description: "Requests that presented an API token, by kind (scoped, unscoped, refused)");

    /// <summary>Buckets for storage and database timings: 0.5 ms to 10 s (the SDK's default starts at 5 ms units).</summary>
    public static readonly double[] FastDurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public const ServedSource SourcePrivate = ServedSource.Private;
    public const ServedSource SourceProxy = ServedSource.Proxy;
    public const ServedSource SourceMirror = ServedSource.Mirror;
    public const ServedFrom FromMemory = ServedFrom.Memory;
    public const ServedFrom FromDisk = ServedFrom.Disk;
    public const ServedFrom FromStorage = ServedFrom.Storage;

    public static void IndexAnswered(ServedSource source, bool notModified) => HotPathCounts.IndexAnswered(source, notModified);

    public static void Downloaded(ServedSource source, ServedFrom servedFrom) => HotPathCounts.Downloaded(source, servedFrom);

    private static readonly KeyValuePair<string, object?> ResultOk = new("result", "ok");
    private static readonly KeyValuePair<string, object?>[] ResultByError =
        Enum.GetValues<RegistryErrorKind>().Select(k => new KeyValuePair<string, object?>("result", ErrorLabel(k))).ToArray();

    public static void Published(RegistryError? error) => Publishes.Add(1, error is null ? ResultOk : ResultByError[(int)error.Kind]);

    /// <summary>snake_case of the error kind: bad_request, forbidden, conflict, payload_too_large, ...</summary>
    public static string ErrorLabel(RegistryErrorKind kind) => string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static void SignIn(bool ok, string provider) => SignIns.Add(1, new("result", ok ? "ok" : "refused"), new("provider", provider));

    private static readonly string[] TokenKinds = ["scoped", "unscoped", "refused"];

    /// <summary>The channels of <see cref="NotificationDeliveries"/>: a standard webhook endpoint, a Slack or Teams endpoint, an email.</summary>
    public static readonly string[] NotificationChannels = ["webhook", "slack", "teams", "email"];

    /// <summary>The results of <see cref="NotificationDeliveries"/>.</summary>
    public static readonly string[] NotificationResults = ["delivered", "failed", "gave_up"];

    /// <summary>One delivery attempt: <paramref name="channel"/> and <paramref name="result"/> from the sets above.</summary>
    public static void NotificationDelivery(string channel, string result) =>
        NotificationDeliveries.Add(1, new("channel", channel), new("result", result));

    /// <summary>
    /// Starts the series whose labels are known in advance at zero, so rate() and the alert rules see them from the
    /// first scrape rather than from the first event (https://prometheus.io/docs/practices/instrumentation/#avoid-missing-metrics).
    /// </summary>
    public static void InitializeSeries()
    {
        Publishes.Add(0, ResultOk);
        foreach (var tag in ResultByError) Publishes.Add(0, tag);
        SignIns.Add(0, new("result", "ok"), new("provider", "password"));
        SignIns.Add(0, new("result", "refused"), new("provider", "password"));
        foreach (var kind in TokenKinds) TokenUses.Add(0, new KeyValuePair<string, object?>("kind", kind));
        foreach (var channel in NotificationChannels)
            foreach (var result in NotificationResults) NotificationDeliveries.Add(0, new("channel", channel), new("result", result));
    }

    /// <summary>kind: scoped, unscoped (a token that may do all its owner may), refused (unknown, revoked or expired).</summary>
    public static void TokenUsed(string kind) => TokenUses.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
