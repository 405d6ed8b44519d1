using GhostCrate.Mirror.Configuration;

namespace GhostCrate.Mirror.Downloads;

/// <summary>
/// Exponential backoff with "full jitter" (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
/// a random wait between 0 and min(max, initial * 2^(attempt-1)). Without jitter, every parallel download that failed
/// at the same moment (an upstream hiccup) would retry at the same moment too.
/// </summary>
public sealed class Backoff(DownloadConfig config, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    /// <param name="failedAttempts">How many attempts have failed so far (1 after the first failure).</param>
    /// <param name="retryAfter">The upstream's Retry-After, honoured up to the configured maximum.</param>
    public TimeSpan Delay(int failedAttempts, TimeSpan? retryAfter = null)
    {
        var ceiling = Math.Min(config.MaxBackoffMs, config.InitialBackoffMs * Math.Pow(2, Math.Min(failedAttempts - 1, 30)));
        var jittered = _random.NextDouble() * ceiling;
        if (retryAfter is { } after) jittered = Math.Max(jittered, Math.Min(after.TotalMilliseconds, config.MaxBackoffMs));
        return TimeSpan.FromMilliseconds(jittered);
    }
}
