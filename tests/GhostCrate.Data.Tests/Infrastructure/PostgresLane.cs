using GhostCrate.Core.Options;
using Npgsql;

namespace GhostCrate.Data.Tests.Infrastructure;

/// <summary>
/// Runs when GHOSTCRATE_TEST_POSTGRES points at a server (scripts/services/postgres.sh writes it); without the
/// variable every test of the class is reported as skipped. Each test class gets its own database (created from that
/// server, dropped afterwards) and each test its own schema in it, selected through the connection string's search
/// path: as isolated as a database per test, for the price of a CREATE SCHEMA instead of a CREATE DATABASE.
/// </summary>
public sealed class PostgresLane : IDatabaseLane, IAsyncLifetime
{
    public const string Variable = "GHOSTCRATE_TEST_POSTGRES";

    private readonly string? _server = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
    private readonly string _databaseName = $"gc_test_{Guid.NewGuid():N}";
    private string? _database;

    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public async ValueTask InitializeAsync()
    {
        if (_server is null) return;
        await ExecuteAsync(_server, $"CREATE DATABASE \"{_databaseName}\"", CancellationToken.None);
        _database = new NpgsqlConnectionStringBuilder(_server) { Database = _databaseName }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        // FORCE ends connections a failed test may have left open (PostgreSQL 13+).
        if (_server is not null && _database is not null)
            await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", CancellationToken.None);
    }

    public async Task<TestDatabase> CreateAsync(bool migrate, CancellationToken cancellationToken)
    {
        if (_database is null) Assert.Skip($"{Variable} not set; run scripts/test.sh");

        var schema = $"t_{Guid.NewGuid():N}";
        await ExecuteAsync(_database, $"CREATE SCHEMA \"{schema}\"", cancellationToken);
        var options = new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(_database) { SearchPath = schema }.ConnectionString,
        };
        var database = new TestDatabase(options, async () =>
            await ExecuteAsync(_database, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", CancellationToken.None));
        if (migrate) await database.Ports.Database.MigrateAsync(cancellationToken);
        return database;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
