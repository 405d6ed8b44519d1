using GhostCrate.Core.Threading;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Analytics;

/// <summary>
/// Counts what the analytics page shows and no other table stores per day (proxied and mirrored downloads, cache hits
/// and misses, active users and tokens) in memory, and writes it in one batch per flush, next to the download counts
/// (the host's download-count flusher calls <see cref="FlushAsync"/>): a request never waits for a database write.
/// Like the download counts, these are best-effort: a crash loses at most the last flush interval; a failed flush keeps
/// its counts for the next.
/// </summary>
public sealed class UsageCounter(IUsageRepository repository, TimeProvider time, ILogger<UsageCounter> logger)
{
    private readonly PendingCounts<(DateOnly Day, string Kind, string Source)> _counts = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    private HashSet<ActorSighting> _sightings = [];
    // Sightings this node has stored already: an actor busy all day is written once per day, not once per flush.
    private readonly HashSet<ActorSighting> _stored = [];

    /// <summary>One event of <paramref name="kind"/> (<see cref="UsageKinds"/>) at <paramref name="source"/>, today.</summary>
    public void Record(string kind, string source)
    {
        var now = time.GetUtcNow();
        _counts.Add((DateOnly.FromDateTime(now.UtcDateTime), kind, source), now);
    }

    /// <summary>A user or API token was active (authenticated) today.</summary>
    public void Seen(ActorKind kind, long id)
    {
        var sighting = new ActorSighting(Today(), kind, id);
        lock (_gate)
        {
            if (!_stored.Contains(sighting)) _sightings.Add(sighting);
        }
    }

    /// <summary>Writes everything pending; false when the write failed (the counts are kept for the next flush).</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            var took = _counts.Take();
            HashSet<ActorSighting> sightings;
            lock (_gate) (sightings, _sightings) = (_sightings, []);
            if (took is null && sightings.Count == 0) return true;
            var counts = took?.Counts ?? [];
            var counters = counts.Count;
            try
            {
                await repository.AddAsync(counts.Select(c => new UsageIncrement(c.Key.Day, c.Key.Kind, c.Key.Source, c.Value)).ToList(), sightings, cancellationToken);
                if (took is { } stored) _counts.Stored(stored.Counts);
            }
            catch (Exception ex)
            {
                if (took is { } notStored) _counts.NotStored(notStored.Counts, notStored.Oldest);
                lock (_gate) _sightings.UnionWith(sightings);
                if (ex is OperationCanceledException) throw;
                logger.LogWarning(ex, "Could not record usage analytics ({Counts} counters, {Sightings} active users and tokens); will retry", counters, sightings.Count);
                return false;
            }
            lock (_gate)
            {
                // Only today's and yesterday's sightings can come again (a request that started before midnight).
                var yesterday = Today().AddDays(-1);
                _stored.RemoveWhere(s => s.Day < yesterday);
                foreach (var sighting in sightings)
                {
                    if (sighting.Day >= yesterday) _stored.Add(sighting);
                }
                _sightings.ExceptWith(_stored);
            }
            return true;
        }
        finally
        {
            _flush.Release();
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
