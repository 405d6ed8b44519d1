using System.Globalization;
using System.Threading.RateLimiting;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.RateLimiting;

public enum RateLimitedOperation
{
    Login,
    TokenCreation,
    Publish,
}

/// <summary>
/// Fixed-window limits per client address and per caller (token, user or attempted user name) for the operations
/// an attacker would hammer: password guessing, token minting and publish floods (settings: RateLimits). Both limits
/// must grant a permit; a refusal carries the time until the window resets, for Retry-After.
/// </summary>
public sealed class RateLimits : IDisposable
{
    private readonly bool _enabled;
    private readonly Dictionary<RateLimitedOperation, (PartitionedRateLimiter<string> ByAddress, PartitionedRateLimiter<string> ByCaller)> _limiters;

    public RateLimits(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        _enabled = o.Enabled;
        _limiters = new()
        {
            [RateLimitedOperation.Login] = (Create(o.LoginPerAddress), Create(o.LoginPerUser)),
            [RateLimitedOperation.TokenCreation] = (Create(o.TokenCreationPerAddress), Create(o.TokenCreationPerCaller)),
            [RateLimitedOperation.Publish] = (Create(o.PublishPerAddress), Create(o.PublishPerToken)),
        };
    }

    /// <summary>Null when allowed; otherwise how long to wait. <paramref name="caller"/> null = only the address counts.</summary>
    public TimeSpan? TryAcquire(RateLimitedOperation operation, string? address, string? caller)
    {
        var wait = Acquire(operation, address, caller);
        if (wait is not null) Core.Operations.GhostCrateMetrics.RateLimitRefusals.Add(1, PolicyTags[(int)operation]);
        return wait;
    }

    // Label values for ghostcrate_rate_limit_refusals_total{policy=...}: login, token_creation, publish.
    private static readonly KeyValuePair<string, object?>[] PolicyTags = Enum.GetValues<RateLimitedOperation>()
        .Select(o => new KeyValuePair<string, object?>("policy", o switch
        {
            RateLimitedOperation.Login => "login",
            RateLimitedOperation.TokenCreation => "token_creation",
            _ => "publish",
        })).ToArray();

    /// <summary>Starts ghostcrate_rate_limit_refusals_total at zero for every policy.</summary>
    public static void InitializeSeries()
    {
        foreach (var tag in PolicyTags) Core.Operations.GhostCrateMetrics.RateLimitRefusals.Add(0, tag);
    }

    private TimeSpan? Acquire(RateLimitedOperation operation, string? address, string? caller)
    {
        if (!_enabled) return null;
        var (byAddress, byCaller) = _limiters[operation];
        using var first = byAddress.AttemptAcquire(address ?? "unknown");
        if (!first.IsAcquired) return RetryAfter(first);
        if (caller is null) return null;
        using var second = byCaller.AttemptAcquire(caller);
        return second.IsAcquired ? null : RetryAfter(second);
    }

    /// <summary>Whole seconds, at least 1, as Retry-After wants (RFC 9110 §10.2.3).</summary>
    public static string RetryAfterHeader(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var (a, b) in _limiters.Values)
        {
            a.Dispose();
            b.Dispose();
        }
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);

    private static PartitionedRateLimiter<string> Create(RateLimitRule rule) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = rule.Permits,
            Window = TimeSpan.FromSeconds(rule.WindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.Ordinal);
}
