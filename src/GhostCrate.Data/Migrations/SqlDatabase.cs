using Dapper;
using GhostCrate.Core.Abstractions;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Migrations;

/// <summary>Applies the versioned scripts and reports the schema's state.</summary>
internal sealed class SqlDatabase(IDbConnectionFactory factory) : IDatabase
{
    private const string CreateMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text    NOT NULL,
            applied_at bigint  NOT NULL
        )
        """;

    private readonly IReadOnlyList<MigrationScript> _scripts = MigrationScripts.For(factory.Provider);

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var applied = 0;
        foreach (var script in _scripts)
        {
            // One transaction per script: a failing script leaves the earlier ones applied and recorded. The lock is
            // taken before anything is read, so a second migrator waits and then sees the script as applied.
            var ran = await factory.WriteAsync(async (connection, transaction) =>
            {
                if (factory.MigrationLockSql.Length > 0)
                    await connection.ExecuteAsync(new CommandDefinition(factory.MigrationLockSql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(CreateMigrationsTable, transaction: transaction, cancellationToken: cancellationToken));
                var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT count(*) FROM schema_migrations WHERE version = @Version",
                    new { script.Version }, transaction, cancellationToken: cancellationToken));
                if (done > 0) return false;
                await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                    new { script.Version, script.Name, AppliedAt = UnixTime.ToMs(DateTimeOffset.UtcNow) },
                    transaction, cancellationToken: cancellationToken));
                return true;
            }, cancellationToken);
            if (ran) applied++;
        }
        // Crates stored before index files were (0009), or restored from an older backup, get theirs now.
        await Index.IndexFileBackfill.RunAsync(factory, cancellationToken);
        return applied;
    }

    public Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(factory.MigrationsTableExistsSql, cancellationToken: cancellationToken));
            var applied = exists == 0
                ? 0
                : await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM schema_migrations", cancellationToken: cancellationToken));
            return new SchemaStatus((int)applied, _scripts.Count);
        }, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)), cancellationToken);
}
