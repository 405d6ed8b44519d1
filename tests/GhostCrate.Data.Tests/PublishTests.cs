using GhostCrate.Core.Crates;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract class PublishTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task First_version_creates_the_crate_owned_by_the_publisher()
    {
        var alice = await CreateUserAsync("alice");
        var stored = 0;
        var deps = new[] { new NewDependency("serde", "^1", "normal", false, null, null), new NewDependency("tokio", "^1", "dev", true, null, "cfg(unix)") };

        var result = await Crates.PublishAsync(
            NewVersion("My_Crate", "1.0.0", alice.Id, description: "first", dependencies: deps),
            _ => { stored++; return Task.CompletedTask; }, Ct);

        Assert.Equal(new PublishWriteResult(PublishWriteStatus.Published, CrateCreated: true), result);
        Assert.Equal(1, stored);
        var crate = await Crates.FindAsync("my-crate", Ct);
        Assert.NotNull(crate);
        Assert.Equal("My_Crate", crate.Name);
        Assert.Equal("my-crate", crate.CanonicalName);
        Assert.Equal("first", crate.Description);
        Assert.Equal("1.0.0", crate.MaxVersion);
        Assert.Equal(0, crate.Downloads);
        Assert.Equal(T0, crate.CreatedAt);
        Assert.Equal(T0, crate.UpdatedAt);
        Assert.Equal([new OwnerRecord(alice.Id, "alice")], await Owners.ListAsync(crate.Id, Ct));
        var version = Assert.Single(await Crates.ListVersionsAsync(crate.Id, Ct));
        Assert.Equal("1.0.0", version.Version);
        Assert.Equal(crate.Id, version.CrateId);
        Assert.Equal(alice.Id, version.PublishedBy);
        Assert.False(version.Yanked);
        Assert.Equal(1234, version.Size);
        Assert.Equal("MIT", version.License);
        Assert.Equal("# readme", version.Readme);
        Assert.Equal(T0, version.CreatedAt);
        Assert.Equal(2, await Db.CountRowsAsync("version_dependencies", Ct));
    }

    [Fact]
    public async Task Edition_and_targets_are_stored_with_the_version_and_read_back()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("tool", "1.0.0", alice.Id) with { Edition = "2024", Targets = new CrateTargets(false, ["tool", "helper"]) });
        await PublishAsync(NewVersion("tool", "0.9.0", alice.Id));

        var stored = await Crates.FindVersionAsync("tool", "1.0.0", Ct);
        Assert.NotNull(stored);
        Assert.Equal("2024", stored.Edition);
        Assert.NotNull(stored.Targets);
        Assert.False(stored.Targets.Library);
        Assert.Equal(["tool", "helper"], stored.Targets.Binaries);
        // A version without recorded targets (published before they were recorded) says so with null, not "no binaries".
        var older = await Crates.FindVersionAsync("tool", "0.9.0", Ct);
        Assert.NotNull(older);
        Assert.Null(older.Edition);
        Assert.Null(older.Targets);
    }

    [Fact]
    public async Task A_yank_message_is_kept_while_yanked_and_cleared_by_unyank()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));

        Assert.True(await Crates.SetYankedAsync("foo", "1.0.0", true, T0, Ct, "broken build script"));
        Assert.Equal("broken build script", (await Crates.FindVersionAsync("foo", "1.0.0", Ct))!.YankMessage);

        Assert.True(await Crates.SetYankedAsync("foo", "1.0.0", false, T0, Ct, "ignored when unyanking"));
        var unyanked = (await Crates.FindVersionAsync("foo", "1.0.0", Ct))!;
        Assert.False(unyanked.Yanked);
        Assert.Null(unyanked.YankMessage);
    }

    [Fact]
    public async Task Next_version_updates_the_crate_without_recreating_it()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id, description: "old"));

        var result = await PublishAsync(NewVersion("foo", "1.1.0", alice.Id, T0.AddMinutes(1), description: "new"));

        Assert.Equal(new PublishWriteResult(PublishWriteStatus.Published, CrateCreated: false), result);
        var crate = await Crates.FindAsync("foo", Ct);
        Assert.NotNull(crate);
        Assert.Equal("new", crate.Description);
        Assert.Equal("1.1.0", crate.MaxVersion);
        Assert.Equal(T0, crate.CreatedAt);
        Assert.Equal(T0.AddMinutes(1), crate.UpdatedAt);
        Assert.Equal(1, await Crates.CountCratesAsync(Ct));
    }

    [Fact]
    public async Task Versions_are_listed_in_publish_order_and_found_by_exact_string()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "2.0.0", alice.Id));
        await PublishAsync(NewVersion("foo", "1.0.0+build.5", alice.Id));
        await PublishAsync(NewVersion("foo", "1.5.0", alice.Id));
        var crate = (await Crates.FindAsync("foo", Ct))!;

        Assert.Equal(["2.0.0", "1.0.0+build.5", "1.5.0"], (await Crates.ListVersionsAsync(crate.Id, Ct)).Select(v => v.Version));
        Assert.Equal("2.0.0", crate.MaxVersion);
        Assert.NotNull(await Crates.FindVersionAsync("foo", "1.0.0+build.5", Ct));
        Assert.Null(await Crates.FindVersionAsync("foo", "1.0.0", Ct));
        Assert.Null(await Crates.FindVersionAsync("bar", "2.0.0", Ct));
    }

    [Fact]
    public async Task Max_version_prefers_releases_over_higher_prereleases()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "0.1.0-alpha.1", alice.Id));
        Assert.Equal("0.1.0-alpha.1", (await Crates.FindAsync("foo", Ct))!.MaxVersion);

        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("foo", "2.0.0-beta.1", alice.Id));
        await PublishAsync(NewVersion("foo", "0.9.0", alice.Id));

        Assert.Equal("1.0.0", (await Crates.FindAsync("foo", Ct))!.MaxVersion);
    }

    [Fact]
    public async Task Someone_who_is_not_an_owner_is_refused_and_nothing_is_stored()
    {
        var alice = await CreateUserAsync("alice");
        var mallory = await CreateUserAsync("mallory");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        var stored = false;

        var result = await Crates.PublishAsync(NewVersion("foo", "1.0.1", mallory.Id), _ => { stored = true; return Task.CompletedTask; }, Ct);

        Assert.Equal(PublishWriteStatus.NotOwner, result.Status);
        Assert.False(stored);
        Assert.Equal(1, await Db.CountRowsAsync("versions", Ct));
    }

    [Fact]
    public async Task Same_version_with_other_build_metadata_is_the_same_release()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0+a", alice.Id));
        var stored = false;

        var result = await Crates.PublishAsync(NewVersion("foo", "1.0.0+b", alice.Id), _ => { stored = true; return Task.CompletedTask; }, Ct);

        Assert.Equal(new PublishWriteResult(PublishWriteStatus.VersionExists, ExistingVersion: "1.0.0+a"), result);
        Assert.False(stored);
        Assert.Equal(1, await Db.CountRowsAsync("versions", Ct));
    }

    [Fact]
    public async Task Exact_duplicate_version_is_refused()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));

        var result = await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));

        Assert.Equal(new PublishWriteResult(PublishWriteStatus.VersionExists, ExistingVersion: "1.0.0"), result);
    }

    [Fact]
    public async Task Another_spelling_of_an_existing_name_is_a_conflict()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo_bar", "1.0.0", alice.Id));

        var result = await PublishAsync(NewVersion("foo-bar", "1.0.1", alice.Id));
        var upper = await PublishAsync(NewVersion("Foo_Bar", "1.0.1", alice.Id));

        Assert.Equal(new PublishWriteResult(PublishWriteStatus.NameConflict, ExistingName: "foo_bar"), result);
        Assert.Equal(PublishWriteStatus.NameConflict, upper.Status);
        Assert.Equal(1, await Db.CountRowsAsync("versions", Ct));
    }

    [Fact]
    public async Task A_failing_blob_store_rolls_back_a_new_crate_completely()
    {
        var alice = await CreateUserAsync("alice");
        var boom = new IOException("disk full");
        var deps = new[] { new NewDependency("serde", "^1", "normal", false, null, null) };

        var thrown = await Assert.ThrowsAsync<IOException>(() =>
            Crates.PublishAsync(NewVersion("foo", "1.0.0", alice.Id, dependencies: deps), _ => throw boom, Ct));

        Assert.Same(boom, thrown);
        Assert.Null(await Crates.FindAsync("foo", Ct));
        Assert.Null(await Crates.GetIndexSourceAsync("foo", Ct));
        foreach (var table in new[] { "crates", "versions", "version_dependencies", "crate_owners" })
            Assert.Equal(0, await Db.CountRowsAsync(table, Ct));
    }

    [Fact]
    public async Task A_failing_blob_store_leaves_an_existing_crate_as_it_was()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id, description: "kept"));
        var before = await Crates.FindAsync("foo", Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Crates.PublishAsync(NewVersion("foo", "2.0.0", alice.Id, T0.AddHours(1), description: "lost"),
                async _ => { await Task.Yield(); throw new InvalidOperationException("upload failed"); }, Ct));

        Assert.Equal(before, await Crates.FindAsync("foo", Ct));
        Assert.Equal(1, await Db.CountRowsAsync("versions", Ct));
        // The failure must not poison the crate: the same version can be published afterwards.
        Assert.Equal(PublishWriteStatus.Published, (await PublishAsync(NewVersion("foo", "2.0.0", alice.Id))).Status);
    }

    [Fact]
    public async Task Cancellation_inside_the_blob_store_rolls_back()
    {
        var alice = await CreateUserAsync("alice");
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Crates.PublishAsync(NewVersion("foo", "1.0.0", alice.Id), token =>
            {
                cts.Cancel();
                token.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            }, cts.Token));

        Assert.Null(await Crates.FindAsync("foo", Ct));
        Assert.Equal(0, await Db.CountRowsAsync("versions", Ct));
    }
}

public sealed class SqlitePublishTests(SqliteLane lane) : PublishTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresPublishTests(PostgresLane lane) : PublishTests(lane), IClassFixture<PostgresLane>;
