using Dapper;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using GhostCrate.Data.Changes;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Data.Tests;

/// <summary>
/// The node's one change feed (Core/Changes, Data/Changes) with the real subscribers: a write made by another process
/// on the same database (a second <see cref="GhostCrateDatabase"/>, as another node or a CLI verb) reaches the index
/// follower and the access cache without any read on this side; on PostgreSQL over exactly one LISTEN connection that
/// also carries queued jobs, and after that connection is killed, every subscriber catches up with what changed while
/// nobody listened.
/// </summary>
public abstract class ChangeFeedTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private readonly ManualTime _time = new(T0);

    [Fact]
    public async Task A_change_made_by_another_process_reaches_the_index_and_access_subscribers_without_a_read()
    {
        await using var running = await StartAsync();
        var other = Db.Open();

        var seq = await PublishAsync(other, "late", "1.0.0");
        var epoch = await RevokeNewTokenAsync(other, "late-user");
        await ReachAsync(running, seq, epoch);

        if (Lane.Provider == DatabaseProvider.Postgres)
        {
            // Jobs ride the same connection: an enqueue on another node wakes this node's workers.
            var before = running.JobCalls;
            Assert.NotNull(await other.Jobs.EnqueueAsync(new NewJob("test.change-feed", "{}"), T0, Ct));
            await Eventually.TrueAsync(() => running.JobCalls > before, "the queued job's notification did not reach the jobs subscriber", cancellationToken: Ct);
            Assert.Equal(1, await CountListenersAsync());
        }
    }

    [Fact]
    public async Task After_the_listening_connection_is_killed_every_subscriber_catches_up_with_what_changed_meanwhile()
    {
        if (Lane.Provider != DatabaseProvider.Postgres) Assert.Skip("SQLite has no listening connection (the in-process feed polls)");
        await using var running = await StartAsync();
        var other = Db.Open();
        Assert.Equal(1, await CountListenersAsync()); // index, access and jobs share one connection
        await Assert.ThrowsAsync<InvalidOperationException>(() => running.Feed.RunAsync(Ct)); // and there is only one

        Assert.Equal(1, await ExecuteScalarAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %' AND pid <> pg_backend_pid()"));
        await Eventually.TrueAsync(async () => await CountListenersAsync() == 0, "the killed backend is still listed", cancellationToken: Ct);

        // Nobody listens now, and the feed waits for the manual clock before it reconnects: these notifications are lost.
        var seqBefore = running.Follower.LastSeq;
        var jobsBefore = running.JobCalls;
        var seq = await PublishAsync(other, "meanwhile", "1.0.0");
        var epoch = await RevokeNewTokenAsync(other, "meanwhile-user");
        Assert.NotNull(await other.Jobs.EnqueueAsync(new NewJob("test.change-feed", "{}"), T0, Ct));
        Assert.Equal(seqBefore, running.Follower.LastSeq);

        await ReachAsync(running, seq, epoch);
        await Eventually.TrueAsync(() => running.JobCalls > jobsBefore, "the jobs subscriber did not catch up after the reconnection", cancellationToken: Ct);
        Assert.Equal(1, await CountListenersAsync());
    }

    /// <summary>
    /// A change that is no database write (a custom toolchain's record in the blob store) is announced: on PostgreSQL
    /// by another node's feed, whose NOTIFY reaches this node's subscribers of the topic; on SQLite (one server
    /// process) by this process's own feed.
    /// </summary>
    [Fact]
    public async Task An_announced_topic_reaches_its_subscribers()
    {
        await using var running = await StartAsync();
        var calls = 0;
        running.Subscriptions.Add(running.Feed.Subscribe(ChangeTopics.Toolchains, _ =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        }));
        // A new subscriber is called once at once (whatever changed before it subscribed).
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) >= 1, "the new subscriber was not called", cancellationToken: Ct);
        var before = Volatile.Read(ref calls);

        var announcer = Lane.Provider == DatabaseProvider.Postgres ? Db.Open().CreateChangeFeed(_time, NullLoggerFactory.Instance) : running.Feed;
        await announcer.AnnounceAsync(ChangeTopics.Toolchains, Ct);
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) > before, "the announcement did not reach the subscriber", cancellationToken: Ct);
    }

    /// <summary>The feed with the real index follower and access cache subscribed, running until disposed.</summary>
    private async Task<Running> StartAsync()
    {
        // Something to start from: the follower's first catch-up takes the counter's latest value as its start.
        var first = await PublishAsync(Db.Ports, "first", "1.0.0");
        var feed = Db.Ports.CreateChangeFeed(_time, NullLoggerFactory.Instance);
        var noLease = new IndexReadLease(Db.Ports.IndexReadLeases, feed, Microsoft.Extensions.Options.Options.Create(new Core.Options.ServerOptions { IndexReadLeaseMilliseconds = 0 }), TimeProvider.System);
        var follower = new IndexChangeFollower(Db.Ports.IndexFiles, new IndexFileCache(1024 * 1024), feed, noLease, NullLogger<IndexChangeFollower>.Instance);
        var access = new AccessCache(Db.Ports.AccessEpoch, TimeProvider.System, NullLogger<AccessCache>.Instance);
        var running = new Running(feed, follower, access);
        running.Subscriptions.Add(feed.Subscribe(ChangeTopics.Index, follower.CatchUpAsync));
        running.Subscriptions.Add(feed.Subscribe(ChangeTopics.Access, access.CatchUpAsync));
        running.Subscriptions.Add(feed.Subscribe(ChangeTopics.Jobs, _ =>
        {
            Interlocked.Increment(ref running.JobCallCount);
            return Task.CompletedTask;
        }));
        running.Run = feed.RunAsync(running.Stop.Token);
        var firstEpoch = await Db.Ports.AccessEpoch.ReadAsync(Ct);
        await ReachAsync(running, first, firstEpoch);
        if (Lane.Provider == DatabaseProvider.Postgres)
            await Eventually.TrueAsync(async () => await CountListenersAsync() == 1, "the feed is not listening", cancellationToken: Ct);
        return running;
    }

    /// <summary>Moves the manual clock (the SQLite poll, the PostgreSQL reconnection pause) until both subscribers saw the values.</summary>
    private async Task ReachAsync(Running running, long seq, long epoch) =>
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(LocalChangeFeed.Interval);
            return running.Follower.LastSeq >= seq && running.Access.Stamp >= epoch;
        }, $"expected index change {seq} and access epoch {epoch}, saw {running.Follower.LastSeq} and {running.Access.Stamp}", cancellationToken: Ct);

    private async Task<long> PublishAsync(GhostCrateDatabase database, string name, string version)
    {
        var user = await database.Users.CreateAsync($"{name}-publisher", passwordHash: null, isAdmin: false, T0, Ct)
            ?? throw new InvalidOperationException("user exists");
        await database.Crates.PublishAsync(NewVersion(name, version, user.Id), NoBlob, Ct);
        return await database.IndexFiles.LatestSeqAsync(Ct);
    }

    private async Task<long> RevokeNewTokenAsync(GhostCrateDatabase database, string username)
    {
        var user = await database.Users.CreateAsync(username, passwordHash: null, isAdmin: false, T0, Ct)
            ?? throw new InvalidOperationException("user exists");
        var token = await database.Tokens.CreateAsync(new NewApiToken(user.Id, "ci", Convert.ToHexString(Guid.NewGuid().ToByteArray()).PadRight(64, 'a'), T0, null, null, null), Ct);
        await database.Tokens.RevokeAsync(token.Id, T0.AddMinutes(1), Ct);
        return await database.AccessEpoch.ReadAsync(Ct);
    }

    private Task<long> CountListenersAsync() =>
        ExecuteScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %' AND pid <> pg_backend_pid()");

    private async Task<long> ExecuteScalarAsync(string sql)
    {
        await using var factory = DbConnectionFactory.Create(Db.Options);
        await using var connection = await factory.OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, cancellationToken: Ct));
    }

    private sealed class Running(IChangeFeed feed, IndexChangeFollower follower, AccessCache access) : IAsyncDisposable
    {
        public int JobCallCount;

        public IChangeFeed Feed { get; } = feed;
        public IndexChangeFollower Follower { get; } = follower;
        public AccessCache Access { get; } = access;
        public List<IDisposable> Subscriptions { get; } = [];
        public CancellationTokenSource Stop { get; } = new();
        public Task Run { get; set; } = Task.CompletedTask;
        public int JobCalls => Volatile.Read(ref JobCallCount);

        public async ValueTask DisposeAsync()
        {
            foreach (var subscription in Subscriptions) subscription.Dispose();
            await Stop.CancelAsync();
            await Run; // RunAsync returns when cancelled; it never throws for transport failures
            Stop.Dispose();
        }
    }
}

public sealed class SqliteChangeFeedTests(SqliteLane lane) : ChangeFeedTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresChangeFeedTests(PostgresLane lane) : ChangeFeedTests(lane), IClassFixture<PostgresLane>;
