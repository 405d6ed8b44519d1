namespace GhostCrate.Core.Analytics;

/// <summary>
/// Port for the usage analytics: the daily counters and sightings <see cref="UsageCounter"/> writes, and the figures
/// the analytics page reads (from those tables and from what the registry stores anyway: versions, per-day downloads,
/// the proxy cache's file list).
/// </summary>
public interface IUsageRepository
{
    /// <summary>
    /// In one transaction: adds the counts to their day rows (additive, so any number of nodes may write the same day)
    /// and records the sightings (a second sighting of the same actor on the same day changes nothing).
    /// </summary>
    Task AddAsync(IReadOnlyCollection<UsageIncrement> counts, IReadOnlyCollection<ActorSighting> sightings, CancellationToken cancellationToken);

    /// <summary>Every stored figure of the UTC days from <paramref name="from"/> to <paramref name="to"/> (inclusive).</summary>
    Task<UsageFigures> ReadAsync(DateOnly from, DateOnly to, int topCrates, CancellationToken cancellationToken);
}

/// <summary><paramref name="Count"/> events of <paramref name="Kind"/> (<see cref="UsageKinds"/>) at <paramref name="Source"/> on a UTC day.</summary>
public sealed record UsageIncrement(DateOnly Day, string Kind, string Source, long Count);

/// <summary>An API token or a user was active on a UTC day.</summary>
public readonly record struct ActorSighting(DateOnly Day, ActorKind Kind, long Id);

public enum ActorKind
{
    User,
    Token,
}

/// <summary>The event kinds of the daily counters (stored as these strings: keep them stable).</summary>
public static class UsageKinds
{
    /// <summary>A proxied .crate download answered from the proxy cache.</summary>
    public const string ProxyHit = "proxy_hit";

    /// <summary>A proxied .crate download that had to be fetched from the upstream first.</summary>
    public const string ProxyMiss = "proxy_miss";

    /// <summary>A .crate download from the offline mirror mount.</summary>
    public const string MirrorDownload = "mirror_download";

    /// <summary>The source of <see cref="MirrorDownload"/> counts (there is one mirror mount).</summary>
    public const string MirrorSource = "mirror";
}

/// <summary>What the database holds for a range of days; <see cref="AnalyticsService"/> shapes it into a report.</summary>
public sealed record UsageFigures(
    IReadOnlyList<UsageIncrement> Counts,
    IReadOnlyList<DayCount> PrivateDownloads,
    IReadOnlyList<DayCount> ActiveUsers,
    IReadOnlyList<DayCount> ActiveTokens,
    long DistinctUsers,
    long DistinctTokens,
    IReadOnlyList<DayBytes> Publishes,
    long PrivateBytesBefore,
    IReadOnlyList<DayBytes> ProxyCached,
    long ProxyBytesBefore,
    IReadOnlyList<CrateDownloadTotal> TopCrates);

public sealed record DayCount(DateOnly Day, long Count);

/// <summary><paramref name="Count"/> files of <paramref name="Bytes"/> bytes in all stored on a day.</summary>
public sealed record DayBytes(DateOnly Day, long Count, long Bytes);

public sealed record CrateDownloadTotal(string Crate, long Downloads);
