using GhostCrate.Core.Crates;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Races that must end in values, never in exceptions or duplicate rows. Each racer runs on its own thread and, where
/// it matters, on its own <see cref="GhostCrateDatabase"/> instance (as separate server processes would).
/// </summary>
public abstract class ConcurrentPublishTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Twenty_versions_of_a_new_crate_published_at_once_all_succeed()
    {
        var alice = await CreateUserAsync("alice");
        var versions = Enumerable.Range(0, 20).Select(i => $"0.{i}.0").ToList();
        var second = Db.Open();
        var blobs = 0;

        var results = await Task.WhenAll(versions.Select((v, i) => Task.Run(() =>
            (i % 2 == 0 ? Crates : second.Crates).PublishAsync(NewVersion("racy", v, alice.Id), async _ =>
            {
                // Yield while holding the transaction so the others pile up on the crate's lock.
                await Task.Yield();
                Interlocked.Increment(ref blobs);
            }, Ct), Ct)));

        Assert.All(results, r => Assert.Equal(PublishWriteStatus.Published, r.Status));
        Assert.Single(results, r => r.CrateCreated);
        Assert.Equal(20, blobs);
        var crate = (await Crates.FindAsync("racy", Ct))!;
        var stored = await Crates.ListVersionsAsync(crate.Id, Ct);
        Assert.Equal(versions.Order(), stored.Select(v => v.Version).Order());
        Assert.Equal("0.19.0", crate.MaxVersion);
        Assert.Equal(1, await Crates.CountCratesAsync(Ct));
        Assert.Single(await Owners.ListAsync(crate.Id, Ct));
        Assert.Equal(20, (await Crates.GetIndexSourceAsync("racy", Ct))!.Lines.Count);
    }

    [Fact]
    public async Task Two_publishers_of_the_same_version_get_one_success_and_one_version_exists()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("dup", "0.1.0", alice.Id));
        var blobs = 0;
        Func<CancellationToken, Task> store = async _ => { await Task.Yield(); Interlocked.Increment(ref blobs); };
        var second = Db.Open();

        var results = await Task.WhenAll(
            Task.Run(() => Crates.PublishAsync(NewVersion("dup", "1.0.0+x", alice.Id), store, Ct), Ct),
            Task.Run(() => second.Crates.PublishAsync(NewVersion("dup", "1.0.0+y", alice.Id), store, Ct), Ct));

        Assert.Single(results, r => r.Status == PublishWriteStatus.Published);
        var loser = Assert.Single(results, r => r.Status == PublishWriteStatus.VersionExists);
        Assert.Contains(loser.ExistingVersion, new[] { "1.0.0+x", "1.0.0+y" });
        Assert.Equal(1, blobs);
        Assert.Equal(2, await Db.CountRowsAsync("versions", Ct));
    }

    [Fact]
    public async Task Many_publishers_of_the_same_first_version_of_a_new_crate_get_exactly_one_success()
    {
        var alice = await CreateUserAsync("alice");
        var second = Db.Open();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            (i % 2 == 0 ? Crates : second.Crates).PublishAsync(NewVersion("fresh", "1.0.0", alice.Id), NoBlob, Ct), Ct)));

        var winner = Assert.Single(results, r => r.Status == PublishWriteStatus.Published);
        Assert.True(winner.CrateCreated);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal(new PublishWriteResult(PublishWriteStatus.VersionExists, ExistingVersion: "1.0.0"), r));
        Assert.Equal(1, await Db.CountRowsAsync("crates", Ct));
        Assert.Equal(1, await Db.CountRowsAsync("versions", Ct));
    }

    [Fact]
    public async Task Two_users_racing_to_create_a_crate_leave_one_owner()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var second = Db.Open();

        var results = await Task.WhenAll(
            Task.Run(() => Crates.PublishAsync(NewVersion("contested", "1.0.0", alice.Id), NoBlob, Ct), Ct),
            Task.Run(() => second.Crates.PublishAsync(NewVersion("contested", "1.0.1", bob.Id), NoBlob, Ct), Ct));

        var winner = Assert.Single(results, r => r.Status == PublishWriteStatus.Published);
        Assert.True(winner.CrateCreated);
        Assert.Single(results, r => r.Status == PublishWriteStatus.NotOwner);
        var crate = (await Crates.FindAsync("contested", Ct))!;
        Assert.Single(await Owners.ListAsync(crate.Id, Ct));
        Assert.Single(await Crates.ListVersionsAsync(crate.Id, Ct));
    }

    [Fact]
    public async Task A_rolled_back_creator_does_not_block_a_concurrent_creator()
    {
        var alice = await CreateUserAsync("alice");
        var second = Db.Open();

        var failing = Task.Run(() => Crates.PublishAsync(NewVersion("phoenix", "1.0.0", alice.Id), async _ =>
        {
            await Task.Yield();
            throw new IOException("store down");
        }, Ct), Ct);
        var succeeding = Task.Run(() => second.Crates.PublishAsync(NewVersion("phoenix", "1.0.1", alice.Id), NoBlob, Ct), Ct);

        await Assert.ThrowsAsync<IOException>(() => failing);
        var result = await succeeding;
        Assert.Equal(PublishWriteStatus.Published, result.Status);
        var crate = (await Crates.FindAsync("phoenix", Ct))!;
        Assert.Equal("1.0.1", crate.MaxVersion);
        Assert.Equal(["1.0.1"], (await Crates.ListVersionsAsync(crate.Id, Ct)).Select(v => v.Version));
        Assert.Equal([alice.Id], (await Owners.ListAsync(crate.Id, Ct)).Select(o => o.UserId));
    }

    [Fact]
    public async Task Downloads_yanks_and_publishes_of_one_crate_interleave_without_deadlock()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("busy", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("busy", Ct))!;
        var v1 = (await Crates.FindVersionAsync("busy", "1.0.0", Ct))!;
        var second = Db.Open();

        var work = new List<Task>();
        for (var i = 0; i < 10; i++)
        {
            var n = i;
            work.Add(Task.Run(() => second.Crates.IncrementDownloadsAsync(v1.Id, Ct), Ct));
            work.Add(Task.Run(() => Crates.SetYankedAsync("busy", "1.0.0", n % 2 == 0, T0, Ct), Ct));
            work.Add(Task.Run(() => Crates.PublishAsync(NewVersion("busy", $"2.{n}.0", alice.Id), NoBlob, Ct), Ct));
        }
        await Task.WhenAll(work);

        Assert.Equal(10, (await Crates.FindAsync("busy", Ct))!.Downloads);
        Assert.Equal(10, (await Crates.FindVersionAsync("busy", "1.0.0", Ct))!.Downloads);
        Assert.Equal(11, (await Crates.ListVersionsAsync(crate.Id, Ct)).Count);
    }
}

public sealed class SqliteConcurrentPublishTests(SqliteLane lane) : ConcurrentPublishTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresConcurrentPublishTests(PostgresLane lane) : ConcurrentPublishTests(lane), IClassFixture<PostgresLane>;
