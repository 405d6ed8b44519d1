using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.Notifications;

/// <summary>Finds tokens about to expire and writes their token.expiring events (see <see cref="TokenExpiryHandler"/>).</summary>
public interface ITokenExpiryStore
{
    /// <summary>
    /// For every live token that expires after <paramref name="now"/> and within one of <paramref name="windowDays"/>,
    /// records each such window not recorded yet and, when it recorded one, writes one token.expiring event (for the
    /// smallest window) in the same transaction. Returns how many events it wrote. Safe to run on several nodes at once:
    /// a window is recorded once, and only the transaction that recorded it writes the event.
    /// </summary>
    Task<int> WriteExpiringEventsAsync(DateTimeOffset now, IReadOnlyList<int> windowDays, CancellationToken cancellationToken);
}

/// <summary>
/// The hourly "tokens.expiry" job: token.expiring events 7 days and 1 day before a token expires (a token first seen
/// inside both windows gets one event, for 1 day). The events reach webhooks and the token owner's email like any other.
/// </summary>
public sealed class TokenExpiryHandler(ITokenExpiryStore store, TimeProvider time) : IJobHandler
{
    public const string JobKind = "tokens.expiry";

    public static IReadOnlyList<int> WindowDays { get; } = [7, 1];

    public static RecurringJob Schedule { get; } = new("tokens.expiry", JobKind, TimeSpan.FromHours(1));

    public string Kind => JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await store.WriteExpiringEventsAsync(time.GetUtcNow(), WindowDays, cancellationToken);
        return JobOutcome.Succeeded;
    }
}
