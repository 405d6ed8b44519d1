using Npgsql;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// A PostgreSQL database of a test's own on the server scripts/test.sh starts (GHOSTCRATE_TEST_POSTGRES), dropped on
/// dispose; the test is skipped without that server. For tests whose nodes must share one database but nothing with
/// other tests (a schedule, a key ring, a lease table).
/// </summary>
public sealed class ScratchPostgresDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name;

    private ScratchPostgresDatabase(string server, string name)
    {
        _server = server;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>What `Database:ConnectionString` is set to for the nodes of the test.</summary>
    public string ConnectionString { get; }

    public static async Task<ScratchPostgresDatabase> CreateAsync(string prefix)
    {
        var server = Environment.GetEnvironmentVariable("GHOSTCRATE_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server)) Assert.Skip("GHOSTCRATE_TEST_POSTGRES not set; run scripts/test.sh --lane postgres-s3");
        var database = new ScratchPostgresDatabase(server, $"{prefix}_{Guid.NewGuid():N}");
        await database.ExecuteAsync($"CREATE DATABASE \"{database._name}\"");
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        // The nodes' pooled connections would keep the database in use.
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
