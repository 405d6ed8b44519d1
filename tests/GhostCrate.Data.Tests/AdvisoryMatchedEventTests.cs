using GhostCrate.Core.Advisories;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Data.Tests;

/// <summary>
/// advisory.matched is written once per advisory, source, crate and version, ever (migration 0021): by a sync, by the
/// recompute after a publish or a proxy fetch, and by two nodes at once, on both databases.
/// </summary>
public abstract class AdvisoryMatchedEventTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private AdvisoryService ServiceOn(GhostCrateDatabase ports) => new(ports.Advisories, NoMirroredCrates.Instance, TimeProvider.System, NullLogger<AdvisoryService>.Instance);

    private static readonly AdvisoryFile Smallvec = new("crates/smallvec/RUSTSEC-2021-0003.md",
        AdvisoryStoreTests.AdvisoryText("RUSTSEC-2021-0003", "smallvec", "\">= 0.6.14, < 1.0.0\", \">= 1.6.1\"",
            "aliases = [\"CVE-2021-25900\", \"GHSA-43w2-9j62-hq99\"]\ncvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"",
            unaffected: "\"< 0.6.3\""));
    private static readonly AdvisoryFile Unmaintained = new("crates/my_crate/RUSTSEC-2020-0002.md",
        AdvisoryStoreTests.AdvisoryText("RUSTSEC-2020-0002", "my_crate", "", "informational = \"unmaintained\""));

    private async Task<List<RegistryEvent>> MatchedEventsAsync() =>
        [.. (await Db.Ports.Jobs.ListAsync(JobState.Pending, 1000, Ct))
            .Where(j => j.Kind == RegistryEvent.JobKind)
            .Select(j => RegistryEvent.Parse(j.Payload))
            .Where(e => e.Type == RegistryEventTypes.AdvisoryMatched)
            .OrderBy(e => e.Data.GetProperty("crate").GetString(), StringComparer.Ordinal)
            .ThenBy(e => e.Data.GetProperty("version").GetString(), StringComparer.Ordinal)
            .ThenBy(e => e.Data.GetProperty("source").GetString(), StringComparer.Ordinal)];

    private static (string Advisory, string Crate, string Version, string Source) Key(RegistryEvent e) =>
        (e.Data.GetProperty("advisory_id").GetString()!, e.Data.GetProperty("crate").GetString()!,
         e.Data.GetProperty("version").GetString()!, e.Data.GetProperty("source").GetString()!);

    [Fact]
    public async Task A_sync_announces_each_affected_version_once_with_the_advisorys_details_and_a_resync_announces_nothing()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("SmallVec", "1.6.0", alice.Id));
        await PublishAsync(NewVersion("SmallVec", "1.6.1", alice.Id));
        await Db.Ports.ProxyCache.RecordCrateFileAsync("crates-io", "smallvec", "0.6.13", 10, new string('a', 64), T0, Ct);

        await ServiceOn(Db.Ports).SyncAsync([Smallvec], AdvisoryLimits.Default, Ct);

        var events = await MatchedEventsAsync();
        Assert.Equal(
            [("RUSTSEC-2021-0003", "SmallVec", "1.6.0", "private"), ("RUSTSEC-2021-0003", "smallvec", "0.6.13", "proxy:crates-io")],
            events.Select(Key));
        var data = events[0].Data;
        Assert.Equal(["CVE-2021-25900", "GHSA-43w2-9j62-hq99"], data.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("critical", data.GetProperty("severity").GetString());
        Assert.Equal([">= 0.6.14, < 1.0.0", ">= 1.6.1"], data.GetProperty("patched_versions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("Title of RUSTSEC-2021-0003", data.GetProperty("title").GetString());
        Assert.Equal("https://rustsec.org/advisories/RUSTSEC-2021-0003.html", data.GetProperty("url").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("informational").ValueKind);

        // The same database again, and a recompute as a publish of another crate version would run it: nothing new.
        await ServiceOn(Db.Ports).SyncAsync([Smallvec], AdvisoryLimits.Default, Ct);
        await ServiceOn(Db.Ports).OnVersionStoredAsync("smallvec", Ct);
        Assert.Equal(2, (await MatchedEventsAsync()).Count);
        Assert.Equal(2, await Db.CountRowsAsync("advisory_match_notices", Ct));
    }

    [Fact]
    public async Task A_version_published_or_fetched_after_the_sync_is_announced_by_itself()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("smallvec", "1.6.0", alice.Id));
        await ServiceOn(Db.Ports).SyncAsync([Smallvec, Unmaintained], AdvisoryLimits.Default, Ct);
        Assert.Single(await MatchedEventsAsync());

        await PublishAsync(NewVersion("smallvec", "1.5.0", alice.Id));
        await PublishAsync(NewVersion("smallvec", "1.7.0", alice.Id));
        await ServiceOn(Db.Ports).OnVersionStoredAsync("smallvec", Ct);
        await Db.Ports.ProxyCache.RecordCrateFileAsync("crates-io", "my_crate", "0.1.0", 10, new string('a', 64), T0, Ct);
        await ServiceOn(Db.Ports).OnVersionStoredAsync("my_crate", Ct);

        var events = await MatchedEventsAsync();
        Assert.Equal(
            [("RUSTSEC-2020-0002", "my_crate", "0.1.0", "proxy:crates-io"), ("RUSTSEC-2021-0003", "smallvec", "1.5.0", "private"), ("RUSTSEC-2021-0003", "smallvec", "1.6.0", "private")],
            events.Select(Key));
        Assert.Equal("unmaintained", events[0].Data.GetProperty("informational").GetString());
        Assert.Empty(events[0].Data.GetProperty("patched_versions").EnumerateArray());
    }

    [Fact]
    public async Task A_finding_that_disappears_and_comes_back_is_not_announced_again()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("smallvec", "1.6.0", alice.Id));
        var service = ServiceOn(Db.Ports);
        await service.SyncAsync([Smallvec], AdvisoryLimits.Default, Ct);
        // The advisory now says 1.6.0 is patched (the finding goes), then is corrected back.
        await service.SyncAsync([Smallvec with { Text = AdvisoryStoreTests.AdvisoryText("RUSTSEC-2021-0003", "smallvec", "\">= 1.6.0\"") }], AdvisoryLimits.Default, Ct);
        Assert.Empty(await Db.Ports.Advisories.AffectedAsync("smallvec", null, Ct));
        await service.SyncAsync([Smallvec], AdvisoryLimits.Default, Ct);

        Assert.Single(await Db.Ports.Advisories.AffectedAsync("smallvec", null, Ct));
        Assert.Single(await MatchedEventsAsync());
    }

    [Fact]
    public async Task Two_nodes_syncing_and_recomputing_at_once_announce_each_finding_once()
    {
        var alice = await CreateUserAsync("alice");
        for (var i = 0; i < 6; i++) await PublishAsync(NewVersion("smallvec", $"1.{i}.0", alice.Id));
        for (var i = 0; i < 4; i++) await Db.Ports.ProxyCache.RecordCrateFileAsync("crates-io", "my_crate", $"0.{i}.0", 10, new string('a', 64), T0, Ct);
        // Independent instances: separate pools and (on SQLite) separate in-process writer gates, like two nodes.
        var nodes = new[] { ServiceOn(Db.Open()), ServiceOn(Db.Open()) };

        await Task.WhenAll(nodes.Select(node => Task.Run(async () =>
        {
            await node.SyncAsync([Smallvec, Unmaintained], AdvisoryLimits.Default, Ct);
            await node.RecomputeAsync(["smallvec", "my-crate"], Ct);
        }, Ct)));

        var keys = (await MatchedEventsAsync()).Select(Key).ToList();
        // smallvec 1.0.0 .. 1.5.0 all lie between the patched ranges (six findings); the unmaintained notice flags all four of my_crate.
        Assert.Equal(6 + 4, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.Count, await Db.CountRowsAsync("advisory_match_notices", Ct));
    }

    [Fact]
    public async Task Upgrading_marks_the_findings_already_stored_as_announced()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("smallvec", "1.6.0", alice.Id));
        await ServiceOn(Db.Ports).SyncAsync([Smallvec], AdvisoryLimits.Default, Ct);
        await Db.ExecuteAsync("DELETE FROM jobs", Ct);
        // As a database from before migration 0021: the findings exist, the memory of announcements does not.
        await Db.ExecuteAsync("DROP TABLE advisory_match_notices", Ct);
        await Db.ExecuteAsync("DELETE FROM schema_migrations WHERE version = 21", Ct);

        Assert.Equal(1, await Database.MigrateAsync(Ct));
        await ServiceOn(Db.Ports).SyncAsync([Smallvec], AdvisoryLimits.Default, Ct);
        await ServiceOn(Db.Ports).RecomputeAsync(["smallvec"], Ct);

        Assert.Empty(await MatchedEventsAsync());
        Assert.Equal(1, await Db.CountRowsAsync("advisory_match_notices", Ct));
    }
}

public sealed class SqliteAdvisoryMatchedEventTests(SqliteLane lane) : AdvisoryMatchedEventTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresAdvisoryMatchedEventTests(PostgresLane lane) : AdvisoryMatchedEventTests(lane), IClassFixture<PostgresLane>;
