using GhostCrate.Core.Caching;
using GhostCrate.Core.Crates;
using GhostCrate.Testing;

namespace GhostCrate.Core.Tests.Caching;

/// <summary>
/// The per-node memories start over when full at most once a minute (StartOverGate): a memory smaller than what the
/// clients cycle through would otherwise be emptied on every fill, and nearly every request would miss.
/// </summary>
public class StartOverTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_gate_opens_once_then_not_again_within_the_interval()
    {
        var clock = new ManualTime(Noon);
        var gate = new StartOverGate(clock);
        Assert.True(gate.TryStartOver());
        Assert.False(gate.TryStartOver());
        clock.Advance(StartOverGate.Interval - TimeSpan.FromTicks(1));
        Assert.False(gate.TryStartOver());
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(gate.TryStartOver());
    }

    [Fact]
    public void A_full_remote_file_cache_keeps_what_it_holds_until_it_may_start_over()
    {
        var clock = new ManualTime(Noon);
        var cache = new RemoteCrateFileCache(budgetBytes: 20, clock);
        CachedCrateFile File(string checksum) => new(checksum, new byte[10], null);

        cache.Store(File("a"));
        cache.Store(File("b"));
        cache.Store(File("c")); // full: the first start-over is allowed
        Assert.Null(cache.TryGet("a"));
        Assert.NotNull(cache.TryGet("c"));
        cache.Store(File("d"));
        cache.Store(File("e")); // full again within the minute: served by the caller, not kept, nothing thrown away
        Assert.NotNull(cache.TryGet("c"));
        Assert.NotNull(cache.TryGet("d"));
        Assert.Null(cache.TryGet("e"));
        Assert.Equal(20, cache.SizeBytes);

        clock.Advance(StartOverGate.Interval);
        cache.Store(File("e"));
        Assert.NotNull(cache.TryGet("e"));
        Assert.Null(cache.TryGet("c"));
        Assert.Equal(10, cache.SizeBytes);
    }
}
