namespace GhostCrate.Core.Options;

/// <summary>
/// Section Server: how a node leaves. On SIGTERM the node first answers 503 on /health/ready for
/// <see cref="DrainSeconds"/> while it still serves everything (load balancers and Kubernetes Endpoints need a few
/// probe periods to take it out of rotation), then stops accepting connections and gives the requests already
/// started up to <see cref="ShutdownTimeoutSeconds"/> to finish.
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>Seconds between SIGTERM and closing the listeners, with readiness already 503 (0 closes at once).</summary>
    public int DrainSeconds { get; set; } = 5;

    /// <summary>Seconds that requests in flight get to finish once the listeners are closed.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Several nodes on one PostgreSQL: how long a node may answer index files from memory without asking the change
    /// counter first, renewed four times per lease (Core/Index/IndexReadLease.cs); 0 makes every index read ask it.
    /// </summary>
    public int IndexReadLeaseMilliseconds { get; set; } = 2000;

    public TimeSpan Drain => TimeSpan.FromSeconds(DrainSeconds);

    /// <summary>The host's whole stop budget: the drain, then the requests' time to finish.</summary>
    public TimeSpan TotalShutdownTimeout => TimeSpan.FromSeconds(DrainSeconds + ShutdownTimeoutSeconds);

    public static IEnumerable<string> Validate(ServerOptions options)
    {
        if (options.DrainSeconds is < 0 or > 600) yield return $"{Section}:DrainSeconds must be between 0 and 600 (got {options.DrainSeconds})";
        if (options.IndexReadLeaseMilliseconds is not 0 and (< 400 or > 60_000))
            yield return $"{Section}:IndexReadLeaseMilliseconds must be 0 (every index read asks the database) or between 400 and 60000 (got {options.IndexReadLeaseMilliseconds})";
        if (options.ShutdownTimeoutSeconds is < 1 or > 3600) yield return $"{Section}:ShutdownTimeoutSeconds must be between 1 and 3600 (got {options.ShutdownTimeoutSeconds})";
    }
}
