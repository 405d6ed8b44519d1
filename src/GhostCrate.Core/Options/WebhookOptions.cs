using System.Net;

namespace GhostCrate.Core.Options;

/// <summary>Section Webhooks: how deliveries are sent (docs/notifications.md).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Address ranges (CIDR, e.g. "10.20.0.0/16") that webhook URLs may reach although they are loopback, private,
    /// link-local or otherwise internal. Empty: only public addresses. Checked on the address actually connected to.
    /// </summary>
    public List<string> AllowedCidrs { get; set; } = [];

    /// <summary>Whole request, connect to last byte of the response; a slower receiver counts as a failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Waits before each retry (Standard Webhooks' schedule after the immediate first attempt: 5 s, 5 min, 30 min,
    /// 2 h, 5 h, 10 h, 10 h); its length plus one is the number of attempts.
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>How long the delivery log keeps each attempt before the hourly "webhooks.prune" job deletes it.</summary>
    public TimeSpan KeepDeliveries { get; set; } = TimeSpan.FromDays(30);

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;

    public static IEnumerable<string> Validate(WebhookOptions options)
    {
        foreach (var cidr in options.AllowedCidrs)
        {
            if (!IPNetwork.TryParse(cidr, out _)) yield return $"{Section}:AllowedCidrs: '{cidr}' is not a CIDR range such as 10.0.0.0/8";
        }
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(2))
            yield return $"{Section}:Timeout must be between 00:00:01 and 00:02:00";
        if (options.RetrySchedule.Count > 20 || options.RetrySchedule.Any(t => t < TimeSpan.Zero || t > TimeSpan.FromDays(2)))
            yield return $"{Section}:RetrySchedule must have at most 20 waits, each between 0 and 2 days";
        if (options.KeepDeliveries < TimeSpan.FromHours(1))
            yield return $"{Section}:KeepDeliveries must be at least 01:00:00 (a delivery must outlive its retries' log)";
    }
}
