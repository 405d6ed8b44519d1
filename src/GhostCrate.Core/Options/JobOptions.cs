namespace GhostCrate.Core.Options;

/// <summary>Section Jobs: the database job queue's worker (Core/Jobs, docs/notifications.md).</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Run queued jobs on this node. A node with false still queues jobs; another node runs them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Longest an idle worker waits before looking for due work again. On PostgreSQL new jobs wake workers at once
    /// (NOTIFY); this bounds the delay for retries that fall due and for SQLite processes other than the enqueuer.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a worker owns a job; a job whose worker died runs again after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Jobs run at the same time on this node (each holds one lease).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Delay before the second attempt; each later one doubles it (with jitter), up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Succeeded jobs are kept this long (for the admin page), then deleted.</summary>
    public TimeSpan KeepSucceeded { get; set; } = TimeSpan.FromDays(7);

    public static IEnumerable<string> Validate(JobOptions options)
    {
        if (options.PollInterval < TimeSpan.FromMilliseconds(50) || options.PollInterval > TimeSpan.FromMinutes(10))
            yield return $"{Section}:PollInterval must be between 00:00:00.05 and 00:10:00";
        if (options.LeaseDuration < TimeSpan.FromSeconds(1))
            yield return $"{Section}:LeaseDuration must be at least 00:00:01";
        if (options.Concurrency is < 1 or > 64)
            yield return $"{Section}:Concurrency must be between 1 and 64";
        if (options.BaseBackoff <= TimeSpan.Zero)
            yield return $"{Section}:BaseBackoff must be positive";
        if (options.MaxBackoff < options.BaseBackoff)
            yield return $"{Section}:MaxBackoff must not be shorter than BaseBackoff";
        if (options.KeepSucceeded < TimeSpan.Zero)
            yield return $"{Section}:KeepSucceeded must not be negative";
    }
}
