using GhostCrate.Core.Threading;

namespace GhostCrate.Core.Tests.Threading;

public sealed class PendingCountsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Take_returns_the_sums_and_the_oldest_time_and_leaves_nothing_pending()
    {
        var counts = new PendingCounts<string>();
        counts.Add("a", T0);
        counts.Add("a", T0.AddSeconds(1), 4);
        counts.Add("b", T0.AddSeconds(2));

        var (taken, oldest) = counts.Take()!.Value;

        Assert.Equal(5, taken["a"]);
        Assert.Equal(1, taken["b"]);
        Assert.Equal(T0, oldest);
        Assert.Equal(0, counts.Count);
        Assert.Null(counts.Take());
    }

    [Fact]
    public void A_failed_write_puts_the_counts_back_beside_new_ones_with_the_older_time()
    {
        var counts = new PendingCounts<string>();
        counts.Add("a", T0, 2);
        var (taken, oldest) = counts.Take()!.Value;
        counts.Add("a", T0.AddSeconds(5));
        counts.Add("c", T0.AddSeconds(6));

        counts.NotStored(taken, oldest);

        var (again, againOldest) = counts.Take()!.Value;
        Assert.Equal(3, again["a"]);
        Assert.Equal(1, again["c"]);
        Assert.Equal(T0, againOldest);
    }

    [Fact]
    public void A_stored_batch_is_recycled_empty_for_the_next_flush()
    {
        var counts = new PendingCounts<string>();
        counts.Add("a", T0);
        var first = counts.Take()!.Value.Counts;
        counts.Stored(first);
        Assert.Empty(first);

        counts.Add("b", T0.AddSeconds(1));
        var second = counts.Take()!.Value;
        counts.Add("c", T0.AddSeconds(2));
        var third = counts.Take()!.Value.Counts;

        Assert.Equal(["b"], second.Counts.Keys);
        Assert.Equal(T0.AddSeconds(1), second.Oldest);
        Assert.Same(first, third);
        Assert.Equal(["c"], third.Keys);
    }

    [Fact]
    public void Parallel_adds_during_takes_are_all_counted_once()
    {
        var counts = new PendingCounts<int>();
        long total = 0;
        var adders = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++) counts.Add(i % 7, T0);
        })).ToArray();
        while (!Task.WhenAll(adders).IsCompleted)
        {
            if (counts.Take() is { } took) { total += took.Counts.Values.Sum(); counts.Stored(took.Counts); }
        }
        if (counts.Take() is { } rest) total += rest.Counts.Values.Sum();

        Assert.Equal(200_000, total);
    }
}
