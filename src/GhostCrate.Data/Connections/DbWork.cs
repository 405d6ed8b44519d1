using System.Data.Common;
using System.Diagnostics;
using GhostCrate.Core.Operations;

namespace GhostCrate.Data.Connections;

/// <summary>The two shapes every repository call takes: a read on a fresh connection, or one write transaction.</summary>
internal static class DbWork
{
    // Tags per provider and shape, built once (one set per process in practice).
    private static readonly KeyValuePair<string, object?> Read = new("operation", "read");
    private static readonly KeyValuePair<string, object?> Write = new("operation", "write");

    public static async Task<T> ReadAsync<T>(
        this IDbConnectionFactory factory,
        Func<DbConnection, Task<T>> work,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await factory.OpenAsync(cancellationToken);
            return await work(connection);
        }
        finally
        {
            Record(factory, Read, started);
        }
    }

    public static async Task<T> WriteAsync<T>(
        this IDbConnectionFactory factory,
        Func<DbConnection, DbTransaction, Task<T>> work,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await factory.OpenAsync(cancellationToken);
            await using var transaction = await factory.BeginWriteAsync(connection, cancellationToken);
            var result = await work(connection, transaction.Transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            Record(factory, Write, started);
        }
    }

    private static void Record(IDbConnectionFactory factory, KeyValuePair<string, object?> operation, long started)
    {
        if (!GhostCrateMetrics.DatabaseDuration.Enabled) return;
        GhostCrateMetrics.DatabaseDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("provider", factory.Provider == Core.Options.DatabaseProvider.Sqlite ? "sqlite" : "postgresql"), operation);
    }
}
