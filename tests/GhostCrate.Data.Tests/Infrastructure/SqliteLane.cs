using GhostCrate.Core.Options;

namespace GhostCrate.Data.Tests.Infrastructure;

/// <summary>Always available: a file in a fresh temporary directory per database.</summary>
public sealed class SqliteLane : IDatabaseLane
{
    public static readonly SqliteLane Instance = new();

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public async Task<TestDatabase> CreateAsync(bool migrate, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "ghostcrate-data-tests", Guid.NewGuid().ToString("N"));
        // A nested, missing directory: the factory must create it.
        var options = new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(root, "data", "ghostcrate.db")}",
        };
        var database = new TestDatabase(options, () =>
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            return ValueTask.CompletedTask;
        });
        if (migrate) await database.Ports.Database.MigrateAsync(cancellationToken);
        return database;
    }
}
