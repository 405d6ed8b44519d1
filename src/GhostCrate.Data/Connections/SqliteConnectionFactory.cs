using System.Data.Common;
using GhostCrate.Core.Options;
using GhostCrate.Core.Threading;
using Microsoft.Data.Sqlite;

namespace GhostCrate.Data.Connections;

internal sealed class SqliteConnectionFactory : IDbConnectionFactory
{
    // Microsoft.Data.Sqlite is synchronous underneath: a writer waiting for SQLite's lock blocks a thread-pool thread.
    // Writers of this process therefore queue on an async gate first, and BEGIN IMMEDIATE plus busy_timeout only
    // arbitrate between processes (e.g. `ghostcrate migrate` next to a running server).
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly string _connectionString;
    private readonly string? _filePath;
    private int _fileInitialised;

    public SqliteConnectionFactory(string connectionString)
    {
        // Default Timeout (30 s unless the connection string says otherwise) bounds Microsoft.Data.Sqlite's own
        // retry loop on SQLITE_BUSY; busy_timeout below does the same inside SQLite.
        var builder = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true };
        _connectionString = builder.ToString();
        _filePath = IsFile(builder) ? Path.GetFullPath(builder.DataSource) : null;
    }

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    /// <summary>The connection string connections are opened with (pool key).</summary>
    public string ConnectionString => _connectionString;

    // BEGIN IMMEDIATE already holds the only write lock of the database file.
    public string LockRowsSuffix => "";

    public string NowMsSql => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    public string MigrationsTableExistsSql =>
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";

    public string MigrationLockSql => "";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        // Every query of this connection blocks its thread, which must not be a socket event thread (IoThreads):
        // a fast path that misses its cache gets here on one and continues on the thread pool from now on.
        await IoThreads.LeaveAsync();
        EnsureFile();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // Per-connection settings (pooled connections keep them, re-running is cheap). NORMAL is durable enough
            // with WAL: a power cut can lose the last commits but never corrupts the file.
            command.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            if (Interlocked.Exchange(ref _fileInitialised, 1) == 0)
            {
                // WAL lets readers run while one writer writes; the mode is stored in the file, so once is enough.
                command.CommandText = "PRAGMA journal_mode = WAL;";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<WriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
            return new WriteTransaction(transaction, () => _writeGate.Release());
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    public void Dispose()
    {
        // Pooled handles would keep the file open (and, on Windows, undeletable) after the owner is gone.
        using (var connection = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(connection);
        _writeGate.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void EnsureFile()
    {
        if (_filePath is null || Volatile.Read(ref _fileInitialised) != 0) return;
        var directory = Path.GetDirectoryName(_filePath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
    }

    private static bool IsFile(SqliteConnectionStringBuilder builder) =>
        builder.Mode != SqliteOpenMode.Memory
        && !string.IsNullOrEmpty(builder.DataSource)
        && builder.DataSource != ":memory:"
        && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
}
