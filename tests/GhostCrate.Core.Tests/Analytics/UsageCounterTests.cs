using GhostCrate.Core.Analytics;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Analytics;

public sealed class UsageCounterTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 23, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day0 = new(2026, 3, 1);

    private readonly MemoryUsageRepository _rows = new();
    private readonly ManualTime _time = new(Start);
    private readonly UsageCounter _counter;

    public UsageCounterTests() => _counter = new UsageCounter(_rows, _time, NullLogger<UsageCounter>.Instance);

    [Fact]
    public async Task Counts_go_to_the_day_they_happened_on()
    {
        _counter.Record(UsageKinds.ProxyHit, "crates-io");
        _time.Advance(TimeSpan.FromHours(2));
        _counter.Record(UsageKinds.ProxyHit, "crates-io");
        _counter.Record(UsageKinds.ProxyHit, "crates-io");

        Assert.True(await _counter.FlushAsync(CancellationToken.None));

        Assert.Equal(1, _rows.Counts[(Day0, UsageKinds.ProxyHit, "crates-io")]);
        Assert.Equal(2, _rows.Counts[(Day0.AddDays(1), UsageKinds.ProxyHit, "crates-io")]);
    }

    [Fact]
    public async Task A_failed_flush_keeps_everything_for_the_next()
    {
        _counter.Record(UsageKinds.MirrorDownload, UsageKinds.MirrorSource);
        _counter.Seen(ActorKind.Token, 5);
        _rows.FailNext = new InvalidOperationException("database down");

        Assert.False(await _counter.FlushAsync(CancellationToken.None));
        _counter.Record(UsageKinds.MirrorDownload, UsageKinds.MirrorSource);
        Assert.True(await _counter.FlushAsync(CancellationToken.None));

        Assert.Equal(2, _rows.Counts[(Day0, UsageKinds.MirrorDownload, UsageKinds.MirrorSource)]);
        Assert.Equal([new ActorSighting(Day0, ActorKind.Token, 5)], _rows.Sightings);
    }

    [Fact]
    public async Task An_actor_is_written_once_a_day_however_busy()
    {
        _counter.Seen(ActorKind.User, 1);
        _counter.Seen(ActorKind.User, 1);
        Assert.True(await _counter.FlushAsync(CancellationToken.None));
        _counter.Seen(ActorKind.User, 1);
        Assert.True(await _counter.FlushAsync(CancellationToken.None));
        Assert.Equal(1, _rows.SightingsWritten);
        Assert.Equal(1, _rows.Writes); // the second flush had nothing to write

        _time.Advance(TimeSpan.FromHours(2));
        _counter.Seen(ActorKind.User, 1);
        Assert.True(await _counter.FlushAsync(CancellationToken.None));

        Assert.Equal([new ActorSighting(Day0, ActorKind.User, 1), new ActorSighting(Day0.AddDays(1), ActorKind.User, 1)], _rows.Sightings.OrderBy(s => s.Day));
    }
}
