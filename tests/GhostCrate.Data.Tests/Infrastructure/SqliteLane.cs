using GhostCrate.Core.Options;

namespace GhostCrate.Data.Tests.Infrastructure;

/// <summary>Always available: one temporary directory per test class, a fresh database file per test.</summary>
public sealed class SqliteLane : IDatabaseLane, IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ghostcrate-data-tests", Guid.NewGuid().ToString("N"));

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    public async Task<TestDatabase> CreateAsync(bool migrate, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        // A nested, missing directory: the factory must create it.
        var options = new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(directory, "data", "ghostcrate.db")}",
        };
        var database = new TestDatabase(options, () =>
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            return ValueTask.CompletedTask;
        });
        if (migrate) await database.Ports.Database.MigrateAsync(cancellationToken);
        return database;
    }
}
