using GhostCrate.Core.Analytics;

namespace GhostCrate.Core.Tests.Analytics;

/// <summary>Keeps what <see cref="UsageCounter"/> writes in memory (the real SQL is tested on both databases in Data.Tests).</summary>
internal sealed class MemoryUsageRepository : IUsageRepository
{
    public Dictionary<(DateOnly Day, string Kind, string Source), long> Counts { get; } = [];
    public HashSet<ActorSighting> Sightings { get; } = [];
    public int Writes { get; private set; }
    public int SightingsWritten { get; private set; }

    /// <summary>When set, the next write throws it (and stores nothing).</summary>
    public Exception? FailNext { get; set; }

    public Task AddAsync(IReadOnlyCollection<UsageIncrement> counts, IReadOnlyCollection<ActorSighting> sightings, CancellationToken cancellationToken)
    {
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }
        Writes++;
        foreach (var c in counts) Counts[(c.Day, c.Kind, c.Source)] = Counts.GetValueOrDefault((c.Day, c.Kind, c.Source)) + c.Count;
        SightingsWritten += sightings.Count;
        Sightings.UnionWith(sightings);
        return Task.CompletedTask;
    }

    public Task<UsageFigures> ReadAsync(DateOnly from, DateOnly to, int topCrates, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the counter never reads");
}
