namespace GhostCrate.Core.Jobs;

/// <summary>
/// Exponential backoff with jitter: after attempt n the next waits base * 2^(n-1), capped, then scaled by a random
/// factor in [0.5, 1.0] ("equal jitter") so that jobs that failed together (an endpoint down) do not retry together.
/// </summary>
public static class JobBackoff
{
    public static TimeSpan Delay(int attemptsSoFar, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptsSoFar, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(random, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(random, 1.0);
        // 2^30 already exceeds any sensible cap; clamping the exponent keeps the multiplication finite.
        var exponent = Math.Min(attemptsSoFar - 1, 30);
        var raw = baseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        var capped = Math.Min(raw, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + random / 2));
    }
}
