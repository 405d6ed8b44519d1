using GhostCrate.Core.Options;
using Npgsql;

namespace GhostCrate.Data.Tests.Infrastructure;

/// <summary>
/// Runs when GHOSTCRATE_TEST_POSTGRES points at a server (scripts/services/postgres.sh writes it); each database is
/// created fresh from that server and dropped afterwards. Without the variable the tests are reported as skipped.
/// </summary>
public sealed class PostgresLane : IDatabaseLane
{
    public const string Variable = "GHOSTCRATE_TEST_POSTGRES";

    public static readonly PostgresLane Instance = new();

    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public async Task<TestDatabase> CreateAsync(bool migrate, CancellationToken cancellationToken)
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server)) Assert.Skip($"{Variable} not set; run scripts/test.sh");

        var name = $"gc_test_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"", cancellationToken);
        var options = new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString,
        };
        // FORCE ends connections a failed test may have left open (PostgreSQL 13+).
        var database = new TestDatabase(options, async () =>
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None));
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
