using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract class MigrationTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    protected override bool Migrate => false;

    [Fact]
    public async Task Fresh_database_reports_nothing_applied()
    {
        var status = await Database.GetSchemaStatusAsync(Ct);

        Assert.Equal(0, status.Applied);
        Assert.True(status.Known > 0);
        Assert.False(status.UpToDate);
    }

    [Fact]
    public async Task Migrate_applies_every_script_once_and_is_idempotent()
    {
        var known = (await Database.GetSchemaStatusAsync(Ct)).Known;

        Assert.Equal(known, await Database.MigrateAsync(Ct));
        Assert.Equal(0, await Database.MigrateAsync(Ct));

        var status = await Database.GetSchemaStatusAsync(Ct);
        Assert.Equal(known, status.Applied);
        Assert.True(status.UpToDate);
        Assert.Equal(known, await Db.CountRowsAsync("schema_migrations", Ct));
    }

    [Fact]
    public async Task Two_processes_migrating_at_once_apply_each_script_exactly_once()
    {
        // Two independent instances: separate pools and (on SQLite) separate in-process writer gates, like two nodes.
        var first = Db.Open();
        var second = Db.Open();

        var applied = await Task.WhenAll(
            Task.Run(() => first.Database.MigrateAsync(Ct), Ct),
            Task.Run(() => second.Database.MigrateAsync(Ct), Ct));

        var status = await Database.GetSchemaStatusAsync(Ct);
        Assert.Equal(status.Known, applied.Sum());
        Assert.True(status.UpToDate);
        Assert.Equal(status.Known, await Db.CountRowsAsync("schema_migrations", Ct));
    }

    [Fact]
    public async Task Health_check_succeeds_before_and_after_migrating()
    {
        await Database.CheckHealthAsync(Ct);
        await Database.MigrateAsync(Ct);
        await Database.CheckHealthAsync(Ct);
    }

    [Fact]
    public async Task Migrated_schema_accepts_repository_calls()
    {
        await Database.MigrateAsync(Ct);

        Assert.Equal(0, await Crates.CountCratesAsync(Ct));
        Assert.Equal(0, await Users.CountAsync(Ct));
    }
}

public sealed class SqliteMigrationTests(SqliteLane lane) : MigrationTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresMigrationTests(PostgresLane lane) : MigrationTests(lane), IClassFixture<PostgresLane>;
