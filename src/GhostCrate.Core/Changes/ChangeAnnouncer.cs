using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Changes;

/// <summary>
/// Announces a change that is already stored outside the database (a record in the blob store) to every node, and does
/// not give up when the feed refuses: the change has taken effect, so the request that made it succeeds, and the
/// announcement is retried in the background (1 s, doubling to 30 s) until the feed takes it or the node stops. Before,
/// a failed announcement failed the request although its change was served, and the other nodes kept serving what they
/// had read before until their own feed reconnected.
/// <para>
/// An announcement only says "read again" (<see cref="IChangeFeed.AnnounceAsync"/>), so one late announcement covers
/// every change made on its topic before it: a topic has at most one retry loop.
/// </para>
/// </summary>
public sealed class ChangeAnnouncer(IChangeFeed feed, TimeProvider time, ILogger<ChangeAnnouncer> logger) : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task> _retrying = new(StringComparer.Ordinal);

    /// <summary>Announces <paramref name="topic"/> now; on failure logs it and keeps retrying in the background. Never throws.</summary>
    public async Task AnnounceAsync(string topic)
    {
        lock (_gate)
        {
            // A loop that is already retrying will announce after this change too.
            if (_retrying.ContainsKey(topic)) return;
        }
        try
        {
            await feed.AnnounceAsync(topic, _stopping.Token);
            return;
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not tell the other nodes that {Topic} changed; the change is stored, retrying in the background", topic);
        }
        catch (Exception)
        {
            return; // the node is stopping
        }
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || _retrying.ContainsKey(topic)) return;
            _retrying[topic] = RetryAsync(topic);
        }
    }

    /// <summary>Completes when no retry loop is running (tests; a loop ends when its announcement went through or the node stops).</summary>
    public Task WhenSettledAsync()
    {
        lock (_gate) return Task.WhenAll(_retrying.Values);
    }

    private async Task RetryAsync(string topic)
    {
        await Task.Yield(); // the caller's request answers without waiting for the first delay
        var delay = FirstRetry;
        for (var attempt = 2; ; attempt++)
        {
            try
            {
                await Task.Delay(delay, time, _stopping.Token);
                await feed.AnnounceAsync(topic, _stopping.Token);
                logger.LogInformation("Told the other nodes that {Topic} changed, at attempt {Attempt}", topic, attempt);
                break;
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // One warning per outage is enough; the attempts in between are detail.
                logger.LogDebug(e, "Announcing {Topic} failed again at attempt {Attempt}", topic, attempt);
                delay = delay * 2 > LongestRetry ? LongestRetry : delay * 2;
            }
        }
        lock (_gate) _retrying.Remove(topic);
    }

    // The token source is cancelled, not disposed: a loop may still be reading its token as it ends.
    public void Dispose() => _stopping.Cancel();
}
