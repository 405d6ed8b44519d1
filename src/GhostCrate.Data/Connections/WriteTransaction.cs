using System.Data.Common;

namespace GhostCrate.Data.Connections;

/// <summary>
/// A write transaction plus whatever the provider holds while it is open (SQLite: the in-process writer gate).
/// Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
internal sealed class WriteTransaction(DbTransaction transaction, Action? onDispose = null) : IAsyncDisposable
{
    private Action? _onDispose = onDispose;

    public DbTransaction Transaction { get; } = transaction;

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            // DbTransaction.DisposeAsync rolls back when the transaction was not committed.
            await Transaction.DisposeAsync();
        }
        finally
        {
            Interlocked.Exchange(ref _onDispose, null)?.Invoke();
        }
    }
}
