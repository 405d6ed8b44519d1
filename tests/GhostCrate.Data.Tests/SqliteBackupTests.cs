using GhostCrate.Core.Backup;
using GhostCrate.Core.Options;
using GhostCrate.Data.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace GhostCrate.Data.Tests;

/// <summary>The SQLite side of `backup create` and `backup restore` (issue 19), on real database files.</summary>
public sealed class SqliteBackupTests(SqliteLane lane) : DatabaseTest(lane), IClassFixture<SqliteLane>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ghostcrate-backup-data-").FullName;

    [Fact]
    public async Task The_snapshot_is_taken_while_a_writer_holds_the_lock_and_holds_only_committed_rows()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Foo", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("Foo", "1.1.0", alice.Id));

        // Another process mid-publish: BEGIN IMMEDIATE holds SQLite's only write lock until it commits.
        await using var writer = new SqliteConnection(Db.Options.ConnectionString);
        await writer.OpenAsync(Ct);
        await using (var begin = writer.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE; INSERT INTO users (username, username_canonical, created_at) VALUES ('bob', 'bob', 0);";
            await begin.ExecuteNonQueryAsync(Ct);
        }

        // A deadline, not a timing assertion: a snapshot that waited for the writer would wait forever here.
        var snapshot = await Db.Ports.Backup.SnapshotAsync(_folder, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await using (var commit = writer.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync(Ct);
        }

        var contents = await Db.Ports.BackupSnapshots.ReadAsync(snapshot, Ct);
        Assert.Equal("sqlite", snapshot.Format);
        Assert.Equal(new BackupCounts(Crates: 1, Versions: 2, Users: 1, Organizations: 0, Tokens: 0), contents.Counts);
        Assert.Equal(["1.0.0", "1.1.0"], contents.Versions.Select(v => v.Version));
        Assert.Equal("crates/foo/foo-1.0.0.crate", contents.Versions[0].BlobKey);
        Assert.Equal((await Database.GetSchemaStatusAsync(Ct)).Applied, contents.Migrations.Count);
        Assert.False(File.Exists(snapshot.LocalFile + "-wal"), "the snapshot is one self-contained file");
    }

    [Fact]
    public async Task A_snapshot_passes_its_integrity_check_and_a_damaged_copy_fails_it()
    {
        var alice = await CreateUserAsync("alice");
        for (var i = 0; i < 200; i++) await PublishAsync(NewVersion($"crate{i}", "1.0.0", alice.Id));
        var snapshot = await Db.Ports.Backup.SnapshotAsync(_folder, Ct);
        await Db.Ports.BackupSnapshots.CheckIntegrityAsync(snapshot, SnapshotCheck.Quick, Ct);

        // Bytes in the middle of the file overwritten (a bad disk, a torn copy): b-tree pages no longer parse.
        await using (var file = new FileStream(snapshot.LocalFile, FileMode.Open, FileAccess.Write))
        {
            var pageSize = 4096;
            Assert.True(file.Length > 8 * pageSize, $"the snapshot has {file.Length} bytes");
            for (var page = 2; page < file.Length / pageSize; page += 2)
            {
                file.Position = page * pageSize + 16;
                file.Write(Enumerable.Repeat((byte)0xA5, 64).ToArray());
            }
        }
        var ex = await Assert.ThrowsAsync<BackupException>(() => Db.Ports.BackupSnapshots.CheckIntegrityAsync(snapshot, SnapshotCheck.Quick, Ct));
        Assert.StartsWith("the database snapshot failed PRAGMA quick_check: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_that_disagrees_with_its_table_passes_the_quick_check_and_fails_the_full_one()
    {
        // A structurally sound file whose index was built on one column and is declared on another: every b-tree
        // parses, but the index does not hold its table's rows (the one kind of damage quick_check does not look for).
        var file = Path.Combine(_folder, "mismatch.sqlite");
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE t (a INTEGER, b INTEGER);
                CREATE INDEX t_a ON t (a);
                INSERT INTO t VALUES (1, 30), (2, 20), (3, 10);
                PRAGMA writable_schema = ON;
                UPDATE sqlite_schema SET sql = 'CREATE INDEX t_a ON t (b)' WHERE name = 't_a';
                PRAGMA writable_schema = OFF;
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }
        var snapshot = new DatabaseSnapshot("sqlite", file);

        await Db.Ports.BackupSnapshots.CheckIntegrityAsync(snapshot, SnapshotCheck.Quick, Ct);
        var ex = await Assert.ThrowsAsync<BackupException>(() => Db.Ports.BackupSnapshots.CheckIntegrityAsync(snapshot, SnapshotCheck.Full, Ct));
        Assert.StartsWith("the database snapshot failed PRAGMA integrity_check: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("t_a", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_installs_into_an_empty_target_and_replaces_an_existing_one_only_when_asked()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Foo", "1.0.0", alice.Id));
        var snapshot = await Db.Ports.Backup.SnapshotAsync(_folder, Ct);

        var targetFile = Path.Combine(_folder, "target", "ghostcrate.db");
        await using var target = GhostCrateDatabase.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={targetFile}" });
        Assert.Null(await target.Backup.DescribeExistingAsync(Ct));

        await target.Backup.InstallAsync(snapshot, replace: false, Ct);
        Assert.NotNull(await target.Backup.DescribeExistingAsync(Ct));
        var restored = await target.Crates.GetIndexSourceAsync("foo", Ct);
        Assert.Equal("Foo", restored?.Name);

        var before = await File.ReadAllBytesAsync(targetFile, Ct);
        await Assert.ThrowsAsync<IOException>(() => target.Backup.InstallAsync(snapshot, replace: false, Ct));
        Assert.Equal(before, await File.ReadAllBytesAsync(targetFile, Ct));
        Assert.Equal([targetFile], Directory.GetFiles(Path.GetDirectoryName(targetFile)!).Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_snapshot_given_up_by_its_owner_is_moved_into_place_not_copied()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Foo", "1.0.0", alice.Id));
        var taken = await Db.Ports.Backup.SnapshotAsync(_folder, Ct);
        var snapshot = taken with { MayBeMoved = true };
        var bytes = await File.ReadAllBytesAsync(snapshot.LocalFile, Ct);

        var targetFile = Path.Combine(_folder, "target", "ghostcrate.db");
        await using var target = GhostCrateDatabase.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={targetFile}" });
        await target.Backup.InstallAsync(snapshot, replace: false, Ct);

        Assert.False(File.Exists(snapshot.LocalFile), "the scratch snapshot was copied, not moved");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(targetFile, Ct));
        Assert.Equal("Foo", (await target.Crates.GetIndexSourceAsync("foo", Ct))?.Name);
        Assert.Equal([targetFile], Directory.GetFiles(Path.GetDirectoryName(targetFile)!).Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_damaged_snapshot_file_is_reported_not_read()
    {
        var file = Path.Combine(_folder, "broken.sqlite");
        await File.WriteAllTextAsync(file, "this is not a database", Ct);
        var ex = await Assert.ThrowsAsync<BackupException>(() => Db.Ports.BackupSnapshots.ReadAsync(new DatabaseSnapshot("sqlite", file), Ct));
        Assert.Contains("cannot be read", ex.Message, StringComparison.Ordinal);
    }
}
