using System.Data.Common;

namespace GhostCrate.Data.Connections;

/// <summary>The two shapes every repository call takes: a read on a fresh connection, or one write transaction.</summary>
internal static class DbWork
{
    public static async Task<T> ReadAsync<T>(
        this IDbConnectionFactory factory,
        Func<DbConnection, Task<T>> work,
        CancellationToken cancellationToken)
    {
        await using var connection = await factory.OpenAsync(cancellationToken);
        return await work(connection);
    }

    public static async Task<T> WriteAsync<T>(
        this IDbConnectionFactory factory,
        Func<DbConnection, DbTransaction, Task<T>> work,
        CancellationToken cancellationToken)
    {
        await using var connection = await factory.OpenAsync(cancellationToken);
        await using var transaction = await factory.BeginWriteAsync(connection, cancellationToken);
        var result = await work(connection, transaction.Transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
