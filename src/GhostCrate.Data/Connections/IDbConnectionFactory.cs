using System.Data.Common;
using GhostCrate.Core.Options;

namespace GhostCrate.Data.Connections;

/// <summary>
/// Opens connections and hides the few places where SQLite and PostgreSQL differ. Everything else (the SQL of the
/// repositories) is shared, so a behaviour difference between the providers can only come from here.
/// </summary>
internal interface IDbConnectionFactory : IAsyncDisposable, IDisposable
{
    DatabaseProvider Provider { get; }

    /// <summary>A new open connection (pooled by the driver); the caller disposes it.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a transaction that is going to write. SQLite takes the write lock up front (BEGIN IMMEDIATE) so that
    /// two writers queue instead of one failing with SQLITE_BUSY when it upgrades a read lock.
    /// </summary>
    Task<WriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Appended to a SELECT that must lock the rows it reads until commit (empty when the whole database is locked).</summary>
    string LockRowsSuffix { get; }

    /// <summary>
    /// SQL for the database's clock in milliseconds since the epoch (a bigint): times that several nodes compare (the
    /// index read leases) come from the one clock they share, never from each node's own.
    /// </summary>
    string NowMsSql { get; }

    /// <summary>SQL that answers 1 when the schema_migrations table exists and 0 otherwise.</summary>
    string MigrationsTableExistsSql { get; }

    /// <summary>Run first inside each migration transaction so that two migrating processes take turns.</summary>
    string MigrationLockSql { get; }

    bool IsUniqueViolation(Exception exception);
}
