using System.Data;
using System.Data.Common;
using GhostCrate.Core.Options;
using Npgsql;

namespace GhostCrate.Data.Connections;

internal sealed class PostgresConnectionFactory(string connectionString) : IDbConnectionFactory
{
    // Any constant works as long as every GhostCrate node uses the same one; this is "GhostCra" in ASCII.
    private const long MigrationLockKey = 0x4768_6F73_7443_7261;

    // One data source per database: it owns Npgsql's connection pool.
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public string LockRowsSuffix => " FOR UPDATE";


    public string NowMsSql => "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    public string MigrationsTableExistsSql =>
        "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END";

    // Transaction-scoped, so it is released by commit or rollback even if the process dies mid-migration.
    public string MigrationLockSql => $"SELECT pg_advisory_xact_lock({MigrationLockKey})";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public async Task<WriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        new(await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken));

    public bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
