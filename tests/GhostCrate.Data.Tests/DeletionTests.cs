using GhostCrate.Core.Crates;
using GhostCrate.Core.Deletion;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>The deletion transaction and its tombstones, on both databases.</summary>
public abstract class DeletionTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private IDeletionRepository Deletions => Db.Ports.Deletions;
    private IJobRepository Jobs => Db.Ports.Jobs;

    private static DeletionRequest Request(string canonical, string? version, string? reason = "leaked a secret") =>
        new(canonical, version, version is null ? null : Protocol.Versioning.SemVersion.Parse(version).Key, "alice", reason, T0.AddDays(1));

    [Fact]
    public async Task Deleting_one_version_rewrites_the_index_file_leaves_a_tombstone_and_refuses_a_republish()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Foo", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("Foo", "1.1.0", alice.Id));
        var before = await IndexFiles.LatestSeqAsync(Ct);

        var outcome = await Deletions.DeleteAsync(Request("foo", "1.1.0"), Ct);

        Assert.NotNull(outcome);
        Assert.Equal(["1.1.0"], outcome.Versions);
        Assert.False(outcome.CrateDeleted);
        Assert.Null(await Crates.FindVersionAsync("foo", "1.1.0", Ct));
        Assert.Equal("1.0.0", (await Crates.FindAsync("foo", Ct))!.MaxVersion);
        var file = (await IndexFiles.FindAsync("foo", Ct))!;
        Assert.DoesNotContain("1.1.0", System.Text.Encoding.UTF8.GetString(file.Content));
        Assert.Contains("1.0.0", System.Text.Encoding.UTF8.GetString(file.Content));
        Assert.Contains(await IndexFiles.ListChangesAsync(before, 10, Ct), c => c.CanonicalName == "foo");

        var tombstone = await Deletions.FindVersionTombstoneAsync("foo", "1.1.0", Ct);
        Assert.NotNull(tombstone);
        Assert.Equal(("1.1.0", new string('a', 64), "alice", "leaked a secret", T0.AddDays(1)), (tombstone.Version, tombstone.Checksum, tombstone.DeletedBy, tombstone.Reason, tombstone.DeletedAt));

        var again = await PublishAsync(NewVersion("Foo", "1.1.0", alice.Id));
        Assert.Equal(PublishWriteStatus.Tombstoned, again.Status);
        Assert.Contains("was deleted", again.Detail);
        // Build metadata does not make it another version.
        Assert.Equal(PublishWriteStatus.Tombstoned, (await PublishAsync(NewVersion("Foo", "1.1.0+other", alice.Id))).Status);
        Assert.Equal(PublishWriteStatus.Published, (await PublishAsync(NewVersion("Foo", "1.1.1", alice.Id))).Status);
    }

    [Fact]
    public async Task Deleting_a_crate_removes_its_rows_and_index_file_and_followers_see_the_removal()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        await PublishAsync(NewVersion("Gone", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("Gone", "2.0.0", alice.Id));
        var before = await IndexFiles.LatestSeqAsync(Ct);

        var outcome = await Deletions.DeleteAsync(Request("gone", null), Ct);

        Assert.NotNull(outcome);
        Assert.True(outcome.CrateDeleted);
        Assert.Equal(["1.0.0", "2.0.0"], outcome.Versions);
        Assert.Null(await Crates.FindAsync("gone", Ct));
        Assert.Null(await IndexFiles.FindAsync("gone", Ct));
        var changes = await IndexFiles.ListChangesAsync(before, 10, Ct);
        Assert.Contains(changes, c => c.CanonicalName == "gone");
        Assert.True(await IndexFiles.LatestSeqAsync(Ct) > before);
        Assert.Equal(0, (await Crates.SearchAsync("gone", 0, 10, Ct)).Total);

        var tombstones = await Deletions.ListTombstonesAsync("gone", Ct);
        Assert.Equal([alice.Id], tombstones.Crate!.OwnerIds);
        Assert.Equal(["1.0.0", "2.0.0"], tombstones.Versions.Select(v => v.Version).Order());

        // The name is kept for its former owners: bob is refused, alice may publish a new version, never an old one.
        Assert.Equal(PublishWriteStatus.NameReserved, (await PublishAsync(NewVersion("Gone", "3.0.0", bob.Id))).Status);
        Assert.Null(await Crates.FindAsync("gone", Ct));
        var admin = await PublishAsync(NewVersion("Gone", "3.0.0", bob.Id) with { PublisherIsAdmin = true });
        Assert.Equal(PublishWriteStatus.Published, admin.Status);
        Assert.NotNull(await Deletions.DeleteAsync(Request("gone", null), Ct));
        Assert.Equal(PublishWriteStatus.Tombstoned, (await PublishAsync(NewVersion("Gone", "2.0.0", alice.Id))).Status);
        // Former owners accumulate over deletions: alice still may, after bob's crate of the same name went too.
        Assert.Equal(PublishWriteStatus.Tombstoned, (await PublishAsync(NewVersion("Gone", "3.0.0", alice.Id))).Status);
        Assert.Equal(PublishWriteStatus.Published, (await PublishAsync(NewVersion("Gone", "3.0.1", alice.Id))).Status);
    }

    [Fact]
    public async Task The_event_and_the_blob_job_are_queued_in_the_same_transaction()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Evented", "1.0.0", alice.Id));

        await Deletions.DeleteAsync(Request("evented", "1.0.0", reason: null), Ct);

        var jobs = await Jobs.ListAsync(null, 100, Ct);
        var deleted = jobs.Where(j => j.Kind == RegistryEvent.JobKind).Select(j => RegistryEvent.Parse(j.Payload)).Single(e => e.Type == RegistryEventTypes.CrateDeleted);
        Assert.Equal("Evented", deleted.CrateName);
        Assert.True(deleted.Data.GetProperty("crate_deleted").GetBoolean());
        var files = jobs.Single(j => j.Kind == DeleteCrateFilesHandler.JobKind);
        Assert.Contains("1.0.0", files.Payload);
    }

    [Fact]
    public async Task Facts_count_owners_downloads_and_dependents_and_an_unknown_version_deletes_nothing()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("base_lib", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("user", "0.1.0", alice.Id, dependencies: [new NewDependency("base-lib", "^1", "normal", false, null, null)]));
        await PublishAsync(NewVersion("other", "0.1.0", alice.Id, dependencies: [new NewDependency("base-lib", "^1", "normal", false, "https://github.com/rust-lang/crates.io-index", null)]));

        var facts = (await Deletions.GetFactsAsync("base-lib", Ct))!;
        Assert.Equal(1, facts.OwnerCount);
        Assert.Equal([new ReverseDependency("user", "0.1.0", "^1")], facts.Dependents);
        Assert.Equal(["1.0.0"], facts.Versions.Select(v => v.Version));

        Assert.Null(await Deletions.DeleteAsync(Request("base-lib", "9.9.9"), Ct));
        Assert.Null(await Deletions.DeleteAsync(Request("missing", null), Ct));
        Assert.NotNull(await Crates.FindVersionAsync("base-lib", "1.0.0", Ct));
        Assert.Null(await Deletions.FindVersionTombstoneAsync("base-lib", "9.9.9", Ct));
    }
}

public sealed class SqliteDeletionTests(SqliteLane lane) : DeletionTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresDeletionTests(PostgresLane lane) : DeletionTests(lane), IClassFixture<PostgresLane>;
