using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>proxy.upstream_down / proxy.upstream_up are written once per outage however many nodes report it, on both databases.</summary>
public abstract class UpstreamCircuitLogTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private async Task<List<(string Type, string Upstream, string? Error)>> EventsAsync() =>
        (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct))
            .Where(j => j.Kind == RegistryEvent.JobKind)
            .Select(j => RegistryEvent.Parse(j.Payload))
            .Where(e => e.Type.StartsWith("proxy.", StringComparison.Ordinal))
            .OrderBy(e => e.Timestamp)
            .Select(e => (e.Type, e.Data.GetProperty("upstream").GetString()!, e.Data.GetProperty("error").GetString()))
            .ToList();

    [Fact]
    public async Task Each_transition_of_the_shared_state_writes_one_event()
    {
        var log = Db.Ports.UpstreamCircuits;
        // Up before any down: nothing to end.
        Assert.False(await log.RecordAsync("crates-io", down: false, null, T0, Ct));
        Assert.True(await log.RecordAsync("crates-io", down: true, "HTTP 503", T0.AddSeconds(1), Ct));
        // A second node opening its own circuit during the same outage.
        Assert.False(await log.RecordAsync("crates-io", down: true, "timeout", T0.AddSeconds(2), Ct));
        Assert.True(await log.RecordAsync("mirror", down: true, "timeout", T0.AddSeconds(3), Ct));
        Assert.True(await log.RecordAsync("crates-io", down: false, null, T0.AddSeconds(4), Ct));
        Assert.False(await log.RecordAsync("crates-io", down: false, null, T0.AddSeconds(5), Ct));
        Assert.True(await log.RecordAsync("crates-io", down: true, "HTTP 500", T0.AddSeconds(6), Ct));

        Assert.Equal(
            [("proxy.upstream_down", "crates-io", "HTTP 503"), ("proxy.upstream_down", "mirror", "timeout"), ("proxy.upstream_up", "crates-io", null), ("proxy.upstream_down", "crates-io", "HTTP 500")],
            await EventsAsync());
    }

    [Fact]
    public async Task Nodes_reporting_the_same_outage_at_once_write_one_event()
    {
        var log = Db.Ports.UpstreamCircuits;
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => log.RecordAsync("crates-io", down: true, $"node {i}", T0, Ct))));
        Assert.Single(results, r => r);
        Assert.Single(await EventsAsync());
    }
}

public sealed class SqliteUpstreamCircuitLogTests(SqliteLane lane) : UpstreamCircuitLogTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresUpstreamCircuitLogTests(PostgresLane lane) : UpstreamCircuitLogTests(lane), IClassFixture<PostgresLane>;
