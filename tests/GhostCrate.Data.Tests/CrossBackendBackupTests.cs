using GhostCrate.Core.Backup;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Options;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Protocol.Versioning;
using Npgsql;

namespace GhostCrate.Data.Tests;

/// <summary>
/// The database side of `backup create` and `backup restore` (issue 19) between every pair of backends: a snapshot of
/// SQLite or PostgreSQL installs into an empty SQLite file or PostgreSQL database with the same rows, search still
/// works there, and the next publish gets fresh ids.
/// </summary>
public sealed class CrossBackendBackupTests(SqliteLane sqlite, PostgresLane postgres) : IClassFixture<SqliteLane>, IClassFixture<PostgresLane>, IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private readonly string _folder = Directory.CreateTempSubdirectory("ghostcrate-backup-cross-").FullName;
    private readonly List<TestDatabase> _databases = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Postgres, DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres, DatabaseProvider.Postgres)]
    public async Task A_snapshot_installs_into_an_empty_database_of_either_backend_with_every_row(DatabaseProvider from, DatabaseProvider to)
    {
        var source = await CreateAsync(from, migrate: true);
        var alice = await source.Ports.Users.CreateAsync("alice", "hash-of-alice", isAdmin: true, T0, Ct);
        await source.Ports.Crates.PublishAsync(NewVersion("Serde_Json", "1.0.0", alice!.Id), _ => Task.CompletedTask, Ct);
        await source.Ports.Crates.PublishAsync(NewVersion("Serde_Json", "1.1.0", alice.Id,
            [new NewDependency("itoa", "^1", "normal", false, null, null)]), _ => Task.CompletedTask, Ct);
        await source.Ports.Crates.SetYankedAsync("serde-json", "1.1.0", true, T0, Ct);
        var first = await source.Ports.Crates.FindVersionAsync("serde-json", "1.0.0", Ct);
        await source.Ports.Crates.IncrementDownloadsAsync(first!.Id, Ct);
        await source.Ports.Crates.IncrementDownloadsAsync(first.Id, Ct);
        await source.Ports.DataProtectionKeys.AddAsync("key-1", "<key id=\"1\" />", T0, Ct);
        byte[] logo = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 255, 7];
        await source.Ports.Branding.SaveTextsAsync(new Core.Branding.BrandingTexts("Acme Crates", "acme", "#2f6fdf", null, null), T0, "alice", Ct);
        await source.Ports.Branding.SaveLogoAsync(new Core.Branding.BrandingLogo(logo, Core.Branding.LogoCheck.Png), T0, "alice", Ct);

        var snapshot = await source.Ports.Backup.SnapshotAsync(_folder, Ct);
        Assert.Equal("sqlite", snapshot.Format);
        var contents = await source.Ports.BackupSnapshots.ReadAsync(snapshot, Ct);
        Assert.Equal(new BackupCounts(Crates: 1, Versions: 2, Users: 1, Organizations: 0, Tokens: 0), contents.Counts);

        var target = await CreateAsync(to, migrate: to == DatabaseProvider.Postgres);
        Assert.Null(await target.Ports.Backup.DescribeExistingAsync(Ct));
        await target.Ports.Backup.InstallAsync(snapshot, replace: false, Ct);
        await target.Ports.Database.MigrateAsync(Ct);
        Assert.NotNull(await target.Ports.Backup.DescribeExistingAsync(Ct));

        var index = await target.Ports.Crates.GetIndexSourceAsync("serde-json", Ct);
        Assert.Equal("Serde_Json", index?.Name);
        Assert.Equal([false, true], index!.Lines.Select(l => l.Yanked));
        Assert.Equal(2, (await target.Ports.Crates.FindAsync("serde-json", Ct))!.Downloads);
        Assert.Equal("hash-of-alice", (await target.Ports.Users.FindByNameAsync("alice", Ct))!.PasswordHash);
        // The cookie keys come along, so browser sessions signed in before the backup stay valid after a restore.
        Assert.Equal(["<key id=\"1\" />"], await target.Ports.DataProtectionKeys.GetAllAsync(Ct));
        // The branding set from the admin UI comes along, its logo's bytes whichever backend held them.
        var branding = await target.Ports.Branding.LoadAsync(Ct);
        Assert.Equal(("Acme Crates", "acme", 2L), (branding.Texts.DisplayName, branding.Texts.RegistryName, branding.Revision));
        Assert.Equal(logo, branding.Logo!.Content);
        // The search structures of the target (SQLite's trigram and pair tables, PostgreSQL's pg_trgm index) hold the
        // restored crates, whichever backend the rows came from.
        Assert.Equal(["Serde_Json"], (await target.Ports.Crates.SearchAsync("json", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["Serde_Json"], (await target.Ports.Crates.SearchAsync("js", 0, 10, Ct)).Crates.Select(c => c.Name));

        // Ids continue after the restored ones: a new crate, version and user do not collide.
        var bob = await target.Ports.Users.CreateAsync("bob", null, isAdmin: false, T0, Ct);
        Assert.True(bob!.Id > alice.Id);
        var next = await target.Ports.Crates.PublishAsync(NewVersion("other", "0.1.0", bob.Id), _ => Task.CompletedTask, Ct);
        Assert.Equal(PublishWriteStatus.Published, next.Status);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Installing_over_data_is_refused_without_replace_and_replaces_everything_with_it(DatabaseProvider to)
    {
        var source = await CreateAsync(DatabaseProvider.Postgres, migrate: true);
        var alice = await source.Ports.Users.CreateAsync("alice", null, isAdmin: false, T0, Ct);
        await source.Ports.Crates.PublishAsync(NewVersion("foo", "1.0.0", alice!.Id), _ => Task.CompletedTask, Ct);
        var snapshot = await source.Ports.Backup.SnapshotAsync(_folder, Ct);

        var target = await CreateAsync(to, migrate: true);
        var zed = await target.Ports.Users.CreateAsync("zed", null, isAdmin: false, T0, Ct);
        await target.Ports.Crates.PublishAsync(NewVersion("bar", "1.0.0", zed!.Id), _ => Task.CompletedTask, Ct);

        Assert.NotNull(await target.Ports.Backup.DescribeExistingAsync(Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => target.Ports.Backup.InstallAsync(snapshot, replace: false, Ct));
        Assert.NotNull(await target.Ports.Crates.FindAsync("bar", Ct));
        Assert.Null(await target.Ports.Crates.FindAsync("foo", Ct));

        await target.Ports.Backup.InstallAsync(snapshot, replace: true, Ct);
        Assert.Null(await target.Ports.Crates.FindAsync("bar", Ct));
        Assert.NotNull(await target.Ports.Crates.FindAsync("foo", Ct));
        Assert.Equal(1, await target.CountRowsAsync("users", Ct));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_snapshot_names_each_versions_current_docs_generation_so_backup_copies_its_files(DatabaseProvider from)
    {
        var source = await CreateAsync(from, migrate: true);
        var alice = await source.Ports.Users.CreateAsync("alice", null, isAdmin: false, T0, Ct);
        await source.Ports.Crates.PublishAsync(NewVersion("Foo_Bar", "1.0.0", alice!.Id), _ => Task.CompletedTask, Ct);
        await source.Ports.Crates.PublishAsync(NewVersion("Foo_Bar", "1.1.0", alice.Id), _ => Task.CompletedTask, Ct);
        var documented = await source.Ports.Crates.FindVersionAsync("foo-bar", "1.0.0", Ct);
        await source.Ports.Docs.SwapAsync(documented!.Id, new Core.Docs.DocsGeneration("gen1", 3, 30, "upload", alice.Id, T0), null, Ct);
        await source.Ports.Docs.SwapAsync(documented.Id, new Core.Docs.DocsGeneration("gen2", 5, 50, "upload", alice.Id, T0), null, Ct);

        var snapshot = await source.Ports.Backup.SnapshotAsync(_folder, Ct);
        var contents = await source.Ports.BackupSnapshots.ReadAsync(snapshot, Ct);

        // Only the current generation; 1.1.0 has no docs row at all.
        var docs = Assert.Single(contents.Docs);
        Assert.Equal(new SnapshotDocs("Foo_Bar", "1.0.0", "gen2", 5, 50), docs);
        Assert.Equal("docs/foo_bar/1.0.0/gen2/", docs.Prefix);
    }

    [Fact]
    public async Task A_postgres_snapshot_holds_only_rows_committed_before_it_and_does_not_wait_for_writers()
    {
        var source = await CreateAsync(DatabaseProvider.Postgres, migrate: true);
        var alice = await source.Ports.Users.CreateAsync("alice", null, isAdmin: false, T0, Ct);
        await source.Ports.Crates.PublishAsync(NewVersion("foo", "1.0.0", alice!.Id), _ => Task.CompletedTask, Ct);

        // Another node mid-publish: its rows are written but not committed while the snapshot runs.
        await using var writer = new NpgsqlConnection(source.Options.ConnectionString);
        await writer.OpenAsync(Ct);
        await using var open = await writer.BeginTransactionAsync(Ct);
        await using (var insert = new NpgsqlCommand("INSERT INTO users (username, username_canonical, created_at) VALUES ('bob', 'bob', 0)", writer, open))
            await insert.ExecuteNonQueryAsync(Ct);

        // A deadline, not a timing assertion: a snapshot that waited for the writer would wait forever here.
        var snapshot = await source.Ports.Backup.SnapshotAsync(_folder, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await open.CommitAsync(Ct);

        var contents = await source.Ports.BackupSnapshots.ReadAsync(snapshot, Ct);
        Assert.Equal(1, contents.Counts.Users);
        Assert.Equal(["1.0.0"], contents.Versions.Select(v => v.Version));
        Assert.Equal((await source.Ports.Database.GetSchemaStatusAsync(Ct)).Applied, contents.Migrations.Count);
    }

    private async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool migrate)
    {
        IDatabaseLane lane = provider == DatabaseProvider.Postgres ? postgres : sqlite;
        var database = await lane.CreateAsync(migrate, Ct);
        _databases.Add(database);
        return database;
    }

    private static NewCrateVersion NewVersion(string name, string version, long publisherId, IReadOnlyList<NewDependency>? dependencies = null) =>
        new(
            Name: name,
            CanonicalName: name.ToLowerInvariant().Replace('_', '-'),
            Version: version,
            VersionKey: SemVersion.Parse(version).Key,
            Checksum: new string('a', 64),
            Size: 1234,
            PublisherId: publisherId,
            PublishedAt: T0,
            IndexJson: $$"""{"name":"{{name}}","vers":"{{version}}"}""",
            MetadataJson: $$"""{"name":"{{name}}","vers":"{{version}}"}""",
            Description: $"{name} {version}",
            License: "MIT",
            Readme: "# readme",
            SearchText: $"{name} json".ToLowerInvariant(),
            Dependencies: dependencies ?? []);

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases) await database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
