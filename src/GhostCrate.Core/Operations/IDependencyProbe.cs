namespace GhostCrate.Core.Operations;

/// <summary>
/// One thing the registry depends on (database, blob store, an upstream registry...), checked for the admin status
/// page. Features register their own probes; <see cref="SystemStatusService"/> runs every registered one.
/// </summary>
public interface IDependencyProbe
{
    /// <summary>Shown on the status page, e.g. "Database (PostgreSQL)".</summary>
    string Name { get; }

    /// <summary>
    /// True when the node cannot serve without it (database, crate storage): a failure makes /health/ready answer
    /// 503. False for what only some requests need (proxy upstreams, a sign-in provider, the offline mirror): a
    /// failure is reported as degraded and the node stays in rotation, since taking every node out for an upstream
    /// outage would turn a partial outage into a full one.
    /// </summary>
    bool Required { get; }

    /// <summary>Returns a short detail when healthy; throws (or returns <see cref="ProbeResult.Failed"/>) when not.</summary>
    Task<ProbeResult> CheckAsync(CancellationToken cancellationToken);
}

public sealed record ProbeResult(bool Healthy, string Detail)
{
    public static ProbeResult Ok(string detail = "reachable") => new(true, detail);
    public static ProbeResult Failed(string detail) => new(false, detail);
}
