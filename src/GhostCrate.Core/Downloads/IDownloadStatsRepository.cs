namespace GhostCrate.Core.Downloads;

/// <summary>Port for the per-version, per-day download counters.</summary>
public interface IDownloadStatsRepository
{
    /// <summary>
    /// Adds the counts in one transaction: to the day rows, to each version's total and to each crate's total (and its
    /// recent downloads for days inside the recent window), so they never disagree. Versions that no longer exist are skipped. Returns how many downloads were stored.
    /// </summary>
    Task<long> AddAsync(IReadOnlyCollection<DownloadIncrement> increments, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="since"/> the first day of the recent-downloads window (crates' <c>recent_downloads</c>,
    /// search's ranking) and takes the downloads of the days before it off each crate. False when the window already
    /// starts there or later (another node moved it).
    /// </summary>
    Task<bool> MoveRecentWindowAsync(DateOnly since, CancellationToken cancellationToken);

    /// <summary>The day rows of every version of a crate from <paramref name="from"/> to <paramref name="to"/> (inclusive).</summary>
    Task<IReadOnlyList<DailyVersionDownloads>> ListDailyAsync(long crateId, DateOnly from, DateOnly to, CancellationToken cancellationToken);
}

/// <summary><paramref name="Count"/> downloads of a version on a UTC day.</summary>
public sealed record DownloadIncrement(long VersionId, DateOnly Day, long Count);

public sealed record DailyVersionDownloads(long VersionId, string Version, DateOnly Day, long Downloads);
