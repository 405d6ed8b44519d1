namespace GhostCrate.Core.Operations;

/// <summary>
/// One thing the registry depends on (database, blob store, an upstream registry...), checked for the admin status
/// page. Features register their own probes; <see cref="SystemStatusService"/> runs every registered one.
/// </summary>
public interface IDependencyProbe
{
    /// <summary>Shown on the status page, e.g. "Database (PostgreSQL)".</summary>
    string Name { get; }

    /// <summary>Returns a short detail when healthy; throws (or returns <see cref="ProbeResult.Failed"/>) when not.</summary>
    Task<ProbeResult> CheckAsync(CancellationToken cancellationToken);
}

public sealed record ProbeResult(bool Healthy, string Detail)
{
    public static ProbeResult Ok(string detail = "reachable") => new(true, detail);
    public static ProbeResult Failed(string detail) => new(false, detail);
}
