namespace GhostCrate.Core.Proxy;

/// <summary>
/// The shared record of which upstreams are down, so that proxy.upstream_down / proxy.upstream_up are sent once per
/// outage however many nodes see it: each node's circuit breaker reports its own transitions, and only the report
/// that changes the shared state writes the event (in the same transaction). An upstream that opens on node A and
/// node B is one outage (one "down"); the first node whose probe succeeds ends it (one "up"), and a node that opens
/// afterwards starts a new one.
/// </summary>
public interface IUpstreamCircuitLog
{
    /// <summary>
    /// Records <paramref name="upstream"/> as down (with the failure that opened the circuit) or up. True when this
    /// changed the shared state and the event was written; false when another node had already recorded it (or, for
    /// "up", nothing had recorded the upstream down).
    /// </summary>
    Task<bool> RecordAsync(string upstream, bool down, string? error, DateTimeOffset now, CancellationToken cancellationToken);
}
