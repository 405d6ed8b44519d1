using System.Collections.Concurrent;
using System.Net;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;
using Npgsql;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Two real nodes (separate processes) on one PostgreSQL database and one S3 bucket, as behind a load balancer: a
/// write acknowledged by one node is served by the other on the very next request (the index change counter,
/// docs/configuration.md "Index files across nodes"). Only the postgres-s3 lane has several nodes; on SQLite the
/// tests are skipped.
/// </summary>
public sealed class TwoNodeIndexTests(TwoNodeIndexTests.Nodes nodes) : IClassFixture<TwoNodeIndexTests.Nodes>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_publish_on_A_is_served_by_B_on_the_very_next_request()
    {
        var (a, b) = nodes.Get();
        var name = $"ryw-{Ids.New()}";
        for (var i = 0; i < 10; i++)
        {
            var version = $"0.{i}.0";
            await PublishOkAsync(a, name, version);
            // No waiting: B's memory may hold the file without this version (it was read right before).
            var entries = await b.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel);
            Assert.Contains(entries, e => e["vers"]!.GetValue<string>() == version);
        }
    }

    [Fact]
    public async Task A_yank_on_B_is_served_by_A_at_once_and_an_unyank_on_A_by_B()
    {
        var (a, b) = nodes.Get();
        var name = $"yank2-{Ids.New()}";
        await PublishOkAsync(a, name, "1.0.0");
        var before = await a.Http.GetIndexFileAsync(name, cancellationToken: Cancel);
        Assert.Contains("\"yanked\":false", before.Body);

        Assert.Equal(HttpStatusCode.OK, (await b.Http.YankAsync(name, "1.0.0", nodes.AdminToken, Cancel)).Status);
        var yanked = await a.Http.GetIndexFileAsync(name, cancellationToken: Cancel);
        Assert.Contains("\"yanked\":true", yanked.Body);
        Assert.NotEqual(before.Message.Headers.ETag, yanked.Message.Headers.ETag);

        Assert.Equal(HttpStatusCode.OK, (await a.Http.UnyankAsync(name, "1.0.0", nodes.AdminToken, Cancel)).Status);
        var unyanked = await b.Http.GetIndexFileAsync(name, cancellationToken: Cancel);
        Assert.Contains("\"yanked\":false", unyanked.Body);
        Assert.Equal(before.Message.Headers.ETag, unyanked.Message.Headers.ETag); // same bytes, same ETag on both nodes
    }

    [Fact]
    public async Task A_deletion_on_one_node_stops_the_other_serving_the_entry_at_once()
    {
        var (a, b) = nodes.Get();
        var name = $"del2-{Ids.New()}";
        await PublishOkAsync(a, name, "1.0.0");
        await PublishOkAsync(a, name, "1.1.0");
        // Both nodes hold the file with both versions in memory.
        Assert.Equal(2, (await a.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel)).Count);
        Assert.Equal(2, (await b.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel)).Count);

        var version = await b.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/v1/crates/{name}/1.1.0"), nodes.AdminToken, Cancel);
        Assert.True(version.Status == HttpStatusCode.NoContent, version.Describe());
        var left = await a.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel);
        Assert.Equal(["1.0.0"], left.Select(e => e["vers"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await a.Http.DownloadAsync(name, "1.1.0", cancellationToken: Cancel)).Status);

        var crate = await a.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"api/v1/crates/{name}"), nodes.AdminToken, Cancel);
        Assert.True(crate.Status == HttpStatusCode.NoContent, crate.Describe());
        var gone = await b.Http.GetIndexFileAsync(name, cancellationToken: Cancel);
        Assert.True(gone.Status == HttpStatusCode.NotFound, gone.Describe());

        // The tombstone is shared too: B refuses the deleted version.
        var again = await b.Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), nodes.AdminToken, Cancel);
        Assert.True(again.Status == HttpStatusCode.Conflict, again.Describe());
        Assert.Contains("can never be published again", again.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_whose_notification_connection_was_cut_or_that_was_down_catches_up()
    {
        var (a, b) = nodes.Get();
        var name = $"lost-{Ids.New()}";
        await PublishOkAsync(a, name, "1.0.0");
        Assert.Single(await b.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel));

        // Cut every LISTEN connection of the database: one per node (index, access and jobs share the change feed's).
        // Notifications sent meanwhile are lost.
        var cut = await nodes.TerminateListenersAsync(Cancel);
        Assert.Equal(2, cut);
        await PublishOkAsync(a, name, "1.1.0");
        Assert.Equal(2, (await b.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel)).Count);

        // B down (killed, as a crash) while A publishes; B comes back with an empty memory and the counter's latest value.
        await b.RestartAsync(Cancel);
        await PublishOkAsync(a, name, "1.2.0");
        Assert.Equal(3, (await b.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel)).Count);
        Assert.DoesNotContain("Unhandled", b.Log, StringComparison.Ordinal);
    }

    /// <summary>
    /// Both nodes take an index read lease and answer index files from memory (no counter query per read); writes on
    /// either are read on the other next, also across a cut of the notification connections. That the write's answer
    /// is what waits, and for exactly what, is shown without notifications at all in Data IndexReadLeaseNodesTests.
    /// </summary>
    [Fact]
    public async Task Under_read_leases_a_write_on_either_node_is_served_by_the_other_next()
    {
        var (a, b) = nodes.Get();
        await Eventually.TrueAsync(async () => await nodes.LiveLeasesAsync(Cancel) == 2, "the two nodes did not both take an index read lease", cancellationToken: Cancel);
        var name = $"lease-{Ids.New()}";
        await PublishOkAsync(a, name, "0.0.0");
        Assert.Single(await b.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel));
        Assert.Equal(2, await nodes.TerminateListenersAsync(Cancel));
        for (var i = 1; i <= 6; i++)
        {
            var (writer, reader) = i % 2 == 0 ? (a, b) : (b, a);
            var version = $"0.{i}.0";
            await PublishOkAsync(writer, name, version);
            var entries = await reader.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel);
            Assert.Contains(entries, e => e["vers"]!.GetValue<string>() == version);
        }
        Assert.Equal(2, await nodes.LiveLeasesAsync(Cancel));
    }

    /// <summary>
    /// 100 publishes of one crate, alternating between the nodes (two publishers at a time), while readers hit both
    /// nodes: every read must contain every version whose publish had returned before the read was sent.
    /// </summary>
    [Fact]
    public async Task No_reader_ever_sees_a_file_lacking_a_version_whose_publish_had_returned()
    {
        var (a, b) = nodes.Get();
        var name = $"race-{Ids.New()}";
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var violations = new ConcurrentQueue<string>();
        var reads = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);

        async Task ReadLoopAsync(GhostCrateServer node)
        {
            while (!stop.IsCancellationRequested)
            {
                var expected = acknowledged.Keys.ToList(); // taken before the request is sent
                var answer = await node.Http.GetIndexFileAsync(name, cancellationToken: CancellationToken.None);
                Interlocked.Increment(ref reads);
                if (answer.Status == HttpStatusCode.NotFound && expected.Count == 0) continue;
                if (answer.Status != HttpStatusCode.OK)
                {
                    violations.Enqueue($"{node.BaseUrl}: {answer.Describe()}");
                    continue;
                }
                var served = RegistryClient.ParseIndexLines(answer.Body).Select(e => e["vers"]!.GetValue<string>()).ToHashSet();
                foreach (var version in expected.Where(v => !served.Contains(v)))
                    violations.Enqueue($"{node.BaseUrl} served {served.Count} versions without {version}, acknowledged before the read");
            }
        }

        async Task PublishLoopAsync(int first)
        {
            for (var i = first; i < 100; i += 2)
            {
                var version = $"1.0.{i}";
                await PublishOkAsync(i % 4 < 2 ? a : b, name, version);
                acknowledged[version] = true;
            }
        }

        var readers = new[] { ReadLoopAsync(a), ReadLoopAsync(b), ReadLoopAsync(a), ReadLoopAsync(b) };
        try
        {
            await Task.WhenAll(PublishLoopAsync(0), PublishLoopAsync(1));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }

        Assert.Empty(violations);
        Assert.Equal(100, acknowledged.Count);
        Assert.True(reads > 0);
        foreach (var node in new[] { a, b })
            Assert.Equal(100, (await node.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel)).Count);
    }

    /// <summary>
    /// Failover: node A is killed (SIGKILL) while a reader hits node B; B keeps answering every index read and download,
    /// accepts a publish, and A, once restarted on the same database and bucket, serves that publish to its clients.
    /// </summary>
    [Fact]
    public async Task When_node_A_is_killed_mid_traffic_B_keeps_serving_and_its_publish_is_seen_through_A_after_restart()
    {
        var (a, b) = nodes.Get();
        var name = $"failover-{Ids.New()}";
        await PublishOkAsync(a, name, "1.0.0");
        var failures = new ConcurrentQueue<string>();
        var reads = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);

        async Task ReadFromBAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var index = await b.Http.GetIndexFileAsync(name, cancellationToken: CancellationToken.None);
                if (index.Status != HttpStatusCode.OK) failures.Enqueue($"index: {index.Describe()}");
                var (status, body) = await b.Http.DownloadAsync(name, "1.0.0", cancellationToken: CancellationToken.None);
                if (status != HttpStatusCode.OK || body.Length == 0) failures.Enqueue($"download: HTTP {(int)status}, {body.Length} bytes");
                Interlocked.Increment(ref reads);
            }
        }

        var reader = ReadFromBAsync();
        try
        {
            await Eventually.TrueAsync(() => Volatile.Read(ref reads) >= 10, "B answered fewer than 10 rounds before the kill", cancellationToken: Cancel);
            await a.StopAsync(); // SIGKILL: no drain, no shutdown hooks
            var atKill = Volatile.Read(ref reads);

            await PublishOkAsync(b, name, "1.1.0");
            Assert.Equal(2, (await b.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel)).Count);
            await Eventually.TrueAsync(() => Volatile.Read(ref reads) >= atKill + 10, "B answered fewer than 10 rounds after the kill", cancellationToken: Cancel);
        }
        finally
        {
            await stop.CancelAsync();
            await reader;
        }
        Assert.Empty(failures);

        await a.RestartAsync(Cancel);
        var entries = await a.Http.GetIndexEntriesAsync(name, cancellationToken: Cancel);
        Assert.Contains(entries, e => e["vers"]!.GetValue<string>() == "1.1.0");
        var (downloaded, crate) = await a.Http.DownloadAsync(name, "1.1.0", cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, downloaded);
        Assert.NotEmpty(crate);
    }

    private async Task PublishOkAsync(GhostCrateServer node, string name, string version)
    {
        var answer = await node.Http.PublishAsync(CrateFiles.PublishBody(name, version, CrateFiles.Build(name, version)), nodes.AdminToken, Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
    }

    /// <summary>Node A with its own database and bucket, node B started on A's database, bucket and admin token.</summary>
    public class Nodes : IAsyncLifetime
    {
        private GhostCrateServer? _a;
        private GhostCrateServer? _b;
        private Exception? _startFailure;
        private string? _skipReason;

        public string AdminToken => _a!.AdminToken;

        /// <summary>Settings both nodes get on top of the shared database and bucket.</summary>
        protected virtual IReadOnlyDictionary<string, string> Extra { get; } = new Dictionary<string, string>();

        public async ValueTask InitializeAsync()
        {
            if (NodePair.SkipReason is { } reason)
            {
                _skipReason = reason;
                return;
            }
            try
            {
                (_a, _b) = await NodePair.StartAsync(Extra);
            }
            catch (Exception e)
            {
                _startFailure = e;
            }
        }

        public (GhostCrateServer A, GhostCrateServer B) Get()
        {
            if (_skipReason is not null) Assert.Skip(_skipReason);
            if (_startFailure is not null) throw new InvalidOperationException("The two nodes failed to start (details below)", _startFailure);
            return (_a!, _b!);
        }

        /// <summary>How many nodes hold a live index read lease (migration 0033), by the database's clock.</summary>
        public async Task<int> LiveLeasesAsync(CancellationToken cancellationToken)
        {
            var database = new NpgsqlConnectionStringBuilder(Postgres.Normalize(Lane.Current.PostgresConnectionString!)) { Database = _a!.DatabaseName };
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM index_readers WHERE lease_until > (extract(epoch FROM clock_timestamp()) * 1000)::bigint", connection);
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Terminates the database sessions that LISTEN (the nodes' notification connections).</summary>
        public async Task<int> TerminateListenersAsync(CancellationToken cancellationToken)
        {
            var admin = Postgres.Normalize(Lane.Current.PostgresConnectionString!);
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                """
                SELECT count(*) FROM (
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = @db AND query ILIKE 'LISTEN %' AND pid <> pg_backend_pid()) AS t
                """, connection);
            command.Parameters.AddWithValue("db", _a!.DatabaseName!);
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            if (_b is not null) await _b.DisposeAsync();
            if (_a is not null) await _a.DisposeAsync();
        }
    }
}
