namespace GhostCrate.Core.Downloads;

/// <summary>Port for the per-version, per-day download counters.</summary>
public interface IDownloadStatsRepository
{
    /// <summary>
    /// Adds the counts in one transaction: to the day rows, to each version's total and to each crate's total, so the
    /// three never disagree. Versions that no longer exist are skipped. Returns how many downloads were stored.
    /// </summary>
    Task<long> AddAsync(IReadOnlyCollection<DownloadIncrement> increments, CancellationToken cancellationToken);

    /// <summary>The day rows of every version of a crate from <paramref name="from"/> to <paramref name="to"/> (inclusive).</summary>
    Task<IReadOnlyList<DailyVersionDownloads>> ListDailyAsync(long crateId, DateOnly from, DateOnly to, CancellationToken cancellationToken);
}

/// <summary><paramref name="Count"/> downloads of a version on a UTC day.</summary>
public sealed record DownloadIncrement(long VersionId, DateOnly Day, long Count);

public sealed record DailyVersionDownloads(long VersionId, string Version, DateOnly Day, long Downloads);
