using System.Collections.Concurrent;
using System.Text;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Index;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Index files written by the publish and yank transactions, the change counter they carry, and the backfill of
/// databases from before migration 0009. Runs on both lanes.
/// </summary>
public abstract class IndexFileStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private static string Line(string name, string version, bool yanked) =>
        $$"""{"name":"{{name}}","vers":"{{version}}","deps":[],"cksum":"{{new string('a', 64)}}","features":{},"yanked":{{(yanked ? "true" : "false")}}}""";

    [Fact]
    public async Task Publish_stores_the_rendered_file_with_its_etag_and_a_rising_counter()
    {
        var alice = await CreateUserAsync("alice");
        Assert.Equal(0, await IndexFiles.LatestSeqAsync(Ct));

        await PublishAsync(NewVersion("Foo_Bar", "1.0.0", alice.Id));
        var first = (await IndexFiles.FindAsync("foo-bar", Ct))!;
        await PublishAsync(NewVersion("Foo_Bar", "1.1.0", alice.Id, publishedAt: T0.AddHours(1)));
        var second = (await IndexFiles.FindAsync("foo-bar", Ct))!;

        Assert.Equal("Foo_Bar", second.Name);
        var expected = IndexFileRenderer.Render((await Crates.GetIndexSourceAsync("foo-bar", Ct))!.Lines);
        Assert.Equal(expected, second.Content);
        Assert.Equal(2, Encoding.UTF8.GetString(second.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(IndexFileRenderer.ETagOf(second.Content), second.ETag);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(T0.AddHours(1), second.LastModified);
        Assert.True(second.Seq > first.Seq);
        Assert.Equal(second.Seq, await IndexFiles.LatestSeqAsync(Ct));
        Assert.Null(await IndexFiles.FindAsync("nope", Ct));
    }

    [Fact]
    public async Task Yank_and_unyank_rewrite_the_file_in_the_same_transaction()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id) with { IndexJson = Line("foo", "1.0.0", false) });
        await PublishAsync(NewVersion("foo", "1.1.0", alice.Id) with { IndexJson = Line("foo", "1.1.0", false) });
        var published = (await IndexFiles.FindAsync("foo", Ct))!;

        Assert.True(await Crates.SetYankedAsync("foo", "1.1.0", true, T0.AddDays(1), Ct));
        var yanked = (await IndexFiles.FindAsync("foo", Ct))!;
        var text = Encoding.UTF8.GetString(yanked.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Line("foo", "1.0.0", false), text[0]);
        Assert.Contains("\"vers\":\"1.1.0\"", text[1], StringComparison.Ordinal);
        Assert.Contains("\"yanked\":true", text[1], StringComparison.Ordinal);
        Assert.Equal(IndexFileRenderer.Render((await Crates.GetIndexSourceAsync("foo", Ct))!.Lines), yanked.Content);
        Assert.Equal(T0.AddDays(1), yanked.LastModified);
        Assert.True(yanked.Seq > published.Seq);

        Assert.True(await Crates.SetYankedAsync("foo", "1.1.0", false, T0.AddDays(2), Ct));
        var unyanked = (await IndexFiles.FindAsync("foo", Ct))!;
        Assert.Equal(published.Content, unyanked.Content);
        Assert.Equal(published.ETag, unyanked.ETag);
        Assert.True(unyanked.Seq > yanked.Seq);

        // A yank of a missing version changes nothing, the counter included.
        Assert.False(await Crates.SetYankedAsync("foo", "9.9.9", true, T0.AddDays(3), Ct));
        Assert.Equal(unyanked.Seq, await IndexFiles.LatestSeqAsync(Ct));
    }

    [Fact]
    public async Task A_publish_whose_blob_fails_leaves_no_file_and_no_counter_value()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        var before = (await IndexFiles.FindAsync("foo", Ct))!;

        await Assert.ThrowsAsync<IOException>(() => Crates.PublishAsync(NewVersion("foo", "1.1.0", alice.Id), _ => throw new IOException("disk full"), Ct));
        await Assert.ThrowsAsync<IOException>(() => Crates.PublishAsync(NewVersion("bar", "1.0.0", alice.Id), _ => throw new IOException("disk full"), Ct));

        var after = (await IndexFiles.FindAsync("foo", Ct))!;
        Assert.Equal(before.Content, after.Content);
        Assert.Equal((before.ETag, before.Seq), (after.ETag, after.Seq));
        Assert.Null(await IndexFiles.FindAsync("bar", Ct));
        Assert.Equal(before.Seq, await IndexFiles.LatestSeqAsync(Ct));
        Assert.Equal(1, await Db.CountRowsAsync("index_files", Ct));
    }

    [Fact]
    public async Task Changes_are_listed_after_a_counter_value_in_counter_order_one_per_crate()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("a", "1.0.0", alice.Id));
        var afterA = await IndexFiles.LatestSeqAsync(Ct);
        await PublishAsync(NewVersion("b", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("c", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("b", "1.1.0", alice.Id));

        var changes = await IndexFiles.ListChangesAsync(afterA, 100, Ct);

        Assert.Equal(["c", "b"], changes.Select(c => c.CanonicalName));
        Assert.True(changes[0].Seq < changes[1].Seq);
        Assert.Equal(changes[1].Seq, await IndexFiles.LatestSeqAsync(Ct));
        Assert.Equal(["c"], (await IndexFiles.ListChangesAsync(afterA, 1, Ct)).Select(c => c.CanonicalName));
        Assert.Empty(await IndexFiles.ListChangesAsync(changes[1].Seq, 100, Ct));
    }

    [Fact]
    public async Task Migrate_backfills_files_of_crates_stored_before_0009_and_two_nodes_may_do_it_at_once()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id, publishedAt: T0) with { IndexJson = Line("foo", "1.0.0", false) });
        await PublishAsync(NewVersion("foo", "1.1.0", alice.Id, publishedAt: T0.AddHours(1)) with { IndexJson = Line("foo", "1.1.0", false) });
        await Crates.SetYankedAsync("foo", "1.0.0", true, T0.AddHours(2), Ct);
        await PublishAsync(NewVersion("bar", "0.1.0", alice.Id, publishedAt: T0.AddHours(3)));
        var foo = (await IndexFiles.FindAsync("foo", Ct))!;
        var bar = (await IndexFiles.FindAsync("bar", Ct))!;
        Assert.Equal(2, await Db.ExecuteAsync("DELETE FROM index_files", Ct)); // as a database from before 0009 looks

        await Task.WhenAll(
            Task.Run(() => Db.Open().Database.MigrateAsync(Ct), Ct),
            Task.Run(() => Db.Open().Database.MigrateAsync(Ct), Ct));

        Assert.Equal(2, await Db.CountRowsAsync("index_files", Ct));
        var backfilledFoo = (await IndexFiles.FindAsync("foo", Ct))!;
        var backfilledBar = (await IndexFiles.FindAsync("bar", Ct))!;
        Assert.Equal(foo.Content, backfilledFoo.Content);
        Assert.Equal(bar.Content, backfilledBar.Content);
        Assert.Equal((foo.Name, foo.ETag, foo.LastModified), (backfilledFoo.Name, backfilledFoo.ETag, backfilledFoo.LastModified));
        Assert.Equal((bar.Name, bar.ETag, bar.LastModified), (backfilledBar.Name, backfilledBar.ETag, backfilledBar.LastModified));
        Assert.True(backfilledFoo.Seq > bar.Seq && backfilledBar.Seq > bar.Seq); // readers that saw the old values see these

        // Idempotent: a further run writes nothing.
        var latest = await IndexFiles.LatestSeqAsync(Ct);
        await Database.MigrateAsync(Ct);
        Assert.Equal(latest, await IndexFiles.LatestSeqAsync(Ct));
    }

    /// <summary>
    /// The property readers rely on: following `seq > last` misses no committed change, even while two processes
    /// publish different crates at once (a counter value handed out before another but committed after it would be
    /// skipped by a reader that had already moved past the later one).
    /// </summary>
    [Fact]
    public async Task A_reader_following_the_counter_misses_no_change_while_two_processes_publish_at_once()
    {
        var alice = await CreateUserAsync("alice");
        var writers = new[] { Db.Open(), Db.Open() };
        var reader = Db.Open().IndexFiles;
        var seen = new ConcurrentDictionary<string, long>();
        var last = 0L;
        using var done = new CancellationTokenSource();

        var follow = Task.Run(async () =>
        {
            while (true)
            {
                var finished = done.IsCancellationRequested; // read before the query: one more pass after the writers end
                foreach (var change in await reader.ListChangesAsync(last, 1000, Ct))
                {
                    seen[change.CanonicalName] = change.Seq;
                    last = change.Seq;
                }
                if (finished) return;
            }
        }, Ct);
        var publishes = Enumerable.Range(0, 40).Select(i => Task.Run(() => writers[i % 2].Crates.PublishAsync(
            NewVersion($"crate{i}", "1.0.0", alice.Id), async _ => await Task.Yield(), Ct), Ct)).ToList();
        await Task.WhenAll(publishes);
        await done.CancelAsync();
        await follow;

        Assert.All(publishes, p => Assert.Equal(PublishWriteStatus.Published, p.Result.Status));
        Assert.Equal(40, seen.Count);
        Assert.Equal(40, seen.Values.Distinct().Count());
    }
}

public sealed class SqliteIndexFileStoreTests(SqliteLane lane) : IndexFileStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresIndexFileStoreTests(PostgresLane lane) : IndexFileStoreTests(lane), IClassFixture<PostgresLane>;
