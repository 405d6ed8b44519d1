using System.Text;
using GhostCrate.Core.Proxy;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Protocol.Client;

namespace GhostCrate.Data.Tests;

public abstract class ProxyCacheTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private IProxyCacheRepository Cache => Db.Ports.ProxyCache;
    private IUpstreamStatusRepository Statuses => Db.Ports.UpstreamStatuses;

    private static CachedIndexFile File(string name, string text, DateTimeOffset fetchedAt, string? upstreamETag = "\"u1\"") =>
        new("crates-io", name, Encoding.UTF8.GetBytes(text), "\"ours\"", T0, fetchedAt, new IndexValidators(upstreamETag, "Tue, 14 Nov 2023 22:13:20 GMT"));

    [Fact]
    public async Task Index_files_round_trip_and_are_replaced()
    {
        var first = File("serde", "line one\n", T0);
        await Cache.SaveIndexFileAsync(first, Ct);
        var stored = await Cache.FindIndexFileAsync("crates-io", "serde", Ct);
        Assert.Equal(first.Content, stored!.Content);
        // Records compare arrays by reference: compare the rest field by field.
        Assert.Equal(first with { Content = stored.Content }, stored);

        var second = File("serde", "line one\nline two\n", T0.AddMinutes(1), upstreamETag: null);
        await Cache.SaveIndexFileAsync(second, Ct);
        var replaced = await Cache.FindIndexFileAsync("crates-io", "serde", Ct);
        Assert.Equal("line one\nline two\n", Encoding.UTF8.GetString(replaced!.Content));
        Assert.Null(replaced.Upstream.ETag);
        Assert.Null(await Cache.FindIndexFileAsync("other", "serde", Ct));
    }

    [Fact]
    public async Task Touch_moves_only_the_fetch_time_and_keeps_validators_the_upstream_did_not_resend()
    {
        await Cache.SaveIndexFileAsync(File("serde", "x\n", T0), Ct);

        await Cache.TouchIndexFileAsync("crates-io", "serde", T0.AddHours(1), new IndexValidators("\"u2\"", null), Ct);

        var touched = await Cache.FindIndexFileAsync("crates-io", "serde", Ct);
        Assert.Equal(T0.AddHours(1), touched!.FetchedAt);
        Assert.Equal(T0, touched.LastModified);
        Assert.Equal(new IndexValidators("\"u2\"", "Tue, 14 Nov 2023 22:13:20 GMT"), touched.Upstream);
        Assert.Equal("x\n", Encoding.UTF8.GetString(touched.Content));
    }

    [Fact]
    public async Task A_batch_saves_index_files_and_records_crates_in_one_go_and_can_be_written_twice()
    {
        await Cache.SaveIndexFileAsync(File("serde", "old\n", T0), Ct);
        IReadOnlyList<CachedIndexFile> files = [File("serde", "new\n", T0.AddMinutes(1)), File("syn", "syn\n", T0)];
        IReadOnlyList<CachedCrateRecord> crates = [new("crates-io", "serde", "1.0.0", 1000, new string('a', 64), T0), new("crates-io", "syn", "2.0.0", 500, new string('b', 64), T0)];

        await Cache.SaveBatchAsync(files, crates, Ct);
        // Another node's write-behind writing the same files: upserts, no error, no second row.
        await Cache.SaveBatchAsync(files, crates, Ct);

        Assert.Equal("new\n", Encoding.UTF8.GetString((await Cache.FindIndexFileAsync("crates-io", "serde", Ct))!.Content));
        Assert.Equal(T0.AddMinutes(1), (await Cache.FindIndexFileAsync("crates-io", "serde", Ct))!.FetchedAt);
        Assert.Equal(new ProxyCacheUsage(2, 8, 2, 1500), await Cache.GetUsageAsync("crates-io", Ct));
        await Cache.SaveBatchAsync([], [], Ct);
    }

    [Fact]
    public async Task Usage_counts_index_files_and_recorded_crates_per_upstream()
    {
        await Cache.SaveIndexFileAsync(File("serde", "12345\n", T0), Ct);
        await Cache.SaveIndexFileAsync(File("syn", "123\n", T0), Ct);
        await Cache.RecordCrateFileAsync("crates-io", "serde", "1.0.0", 1000, new string('a', 64), T0, Ct);
        await Cache.RecordCrateFileAsync("crates-io", "serde", "1.0.0", 1000, new string('a', 64), T0, Ct);
        await Cache.RecordCrateFileAsync("crates-io", "syn", "2.0.0", 500, new string('b', 64), T0, Ct);
        await Cache.RecordCrateFileAsync("other", "syn", "2.0.0", 500, new string('b', 64), T0, Ct);
        await Cache.DeleteIndexFileAsync("crates-io", "syn", Ct);

        Assert.Equal(new ProxyCacheUsage(1, 6, 2, 1500), await Cache.GetUsageAsync("crates-io", Ct));
        Assert.Equal(new ProxyCacheUsage(0, 0, 0, 0), await Cache.GetUsageAsync("nothing", Ct));
    }

    [Fact]
    public async Task Counters_add_up_and_keep_the_latest_times_and_error()
    {
        Assert.Equal(UpstreamCounters.Zero, await Statuses.GetAsync("crates-io", Ct));

        await Statuses.AddAsync("crates-io", new UpstreamCounters { IndexHits = 5, Errors = 1, LastErrorAt = T0.AddMinutes(2), LastError = "refused", LastSuccessAt = T0 }, Ct);
        // An older delta (another process flushing late) must not move the times back.
        await Statuses.AddAsync("crates-io", new UpstreamCounters { IndexHits = 2, CrateMisses = 1, LastSuccessAt = T0.AddMinutes(1), LastErrorAt = T0.AddMinutes(1), LastError = "older" }, Ct);
        await Statuses.AddAsync("crates-io", new UpstreamCounters { ChecksumMismatches = 1, StaleServed = 3, LastSuccessAt = T0.AddMinutes(5) }, Ct);

        var totals = await Statuses.GetAsync("crates-io", Ct);
        Assert.Equal(7, totals.IndexHits);
        Assert.Equal(1, totals.CrateMisses);
        Assert.Equal(1, totals.ChecksumMismatches);
        Assert.Equal(3, totals.StaleServed);
        Assert.Equal(1, totals.Errors);
        Assert.Equal(T0.AddMinutes(5), totals.LastSuccessAt);
        Assert.Equal(T0.AddMinutes(2), totals.LastErrorAt);
        Assert.Equal("refused", totals.LastError);
        Assert.Equal(UpstreamCounters.Zero, await Statuses.GetAsync("other", Ct));
    }

    [Fact]
    public async Task Concurrent_flushes_lose_nothing()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Statuses.AddAsync("crates-io", new UpstreamCounters { IndexHits = 1 }, Ct)));
        Assert.Equal(20, (await Statuses.GetAsync("crates-io", Ct)).IndexHits);
    }
}

public sealed class SqliteProxyCacheTests(SqliteLane lane) : ProxyCacheTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresProxyCacheTests(PostgresLane lane) : ProxyCacheTests(lane), IClassFixture<PostgresLane>;
