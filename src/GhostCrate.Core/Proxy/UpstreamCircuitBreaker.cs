namespace GhostCrate.Core.Proxy;

/// <summary>The circuit breaker's state, as metrics and the proxy status show it.</summary>
public enum CircuitState
{
    /// <summary>Requests go to the upstream.</summary>
    Closed,

    /// <summary>The upstream failed <see cref="UpstreamCircuitBreaker.FailureThreshold"/> times in a row: nobody asks it until the cool-down ends.</summary>
    Open,

    /// <summary>The cool-down ended and one probe request is on its way; everyone else is still answered from the cache.</summary>
    HalfOpen,
}

/// <summary>What a call to <see cref="UpstreamCircuitBreaker.Success"/> or <see cref="UpstreamCircuitBreaker.Failure"/> changed.</summary>
public enum CircuitTransition
{
    None,
    Opened,
    Closed,
}

/// <summary>
/// Per upstream and per node: after <see cref="FailureThreshold"/> failed calls in a row (errors, 5xx answers, timeouts)
/// the circuit opens and calls are refused at once for <see cref="CoolDown"/>, so while an upstream hangs each index
/// request is served its stale cached copy immediately (stale-if-error, RFC 5861 §4) instead of waiting
/// Proxy:Upstreams:NAME:RequestTimeout. After the cool-down one request is let through as a probe (half-open): its
/// success closes the circuit, its failure opens it for another cool-down. A 404 is a success (the upstream answered).
/// The pattern: https://learn.microsoft.com/azure/architecture/patterns/circuit-breaker. Called only around upstream
/// requests, never on a cache hit, so the lock costs nothing on the hot path.
/// </summary>
public sealed class UpstreamCircuitBreaker(int failureThreshold, TimeSpan coolDown, TimeProvider time)
{
    private readonly Lock _gate = new();
    private CircuitState _state = CircuitState.Closed;
    private int _consecutiveFailures;
    private DateTimeOffset _openUntil;
    private DateTimeOffset? _openedAt;

    public int FailureThreshold { get; } = failureThreshold;
    public TimeSpan CoolDown { get; } = coolDown;

    public CircuitState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>When the circuit last opened (null while closed).</summary>
    public DateTimeOffset? OpenedAt
    {
        get
        {
            lock (_gate) return _state == CircuitState.Closed ? null : _openedAt;
        }
    }

    /// <summary>When the next probe may go out (null while closed).</summary>
    public DateTimeOffset? RetryAt
    {
        get
        {
            lock (_gate) return _state == CircuitState.Closed ? null : _openUntil;
        }
    }

    /// <summary>
    /// Whether a call may go to the upstream now. While open, false until the cool-down ends; then true once, for the
    /// probe, and false for everyone else until the probe's result is in.
    /// </summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            switch (_state)
            {
                case CircuitState.Closed:
                    return true;
                case CircuitState.Open when time.GetUtcNow() >= _openUntil:
                    _state = CircuitState.HalfOpen;
                    return true;
                default:
                    return false;
            }
        }
    }

    public CircuitTransition Success()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            if (_state == CircuitState.Closed) return CircuitTransition.None;
            _state = CircuitState.Closed;
            _openedAt = null;
            return CircuitTransition.Closed;
        }
    }

    public CircuitTransition Failure()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            switch (_state)
            {
                case CircuitState.HalfOpen:
                    // The probe failed: another cool-down (still open, not a new outage).
                    _state = CircuitState.Open;
                    _openUntil = now + CoolDown;
                    return CircuitTransition.None;
                case CircuitState.Open:
                    // A call that started before the circuit opened, finishing late.
                    return CircuitTransition.None;
                default:
                    if (FailureThreshold == 0 || ++_consecutiveFailures < FailureThreshold) return CircuitTransition.None;
                    _state = CircuitState.Open;
                    _openedAt = now;
                    _openUntil = now + CoolDown;
                    return CircuitTransition.Opened;
            }
        }
    }
}
