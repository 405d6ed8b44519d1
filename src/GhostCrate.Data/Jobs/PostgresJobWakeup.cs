using GhostCrate.Data.Connections;
using Npgsql;

namespace GhostCrate.Data.Jobs;

/// <summary>
/// LISTENs on <see cref="JobSql.Channel"/> on one dedicated connection, started by the first waiter, and turns every
/// notification into a <see cref="LocalJobWakeup.Signal"/>. A broken connection is reopened after a pause; while it
/// is down the workers' polling still finds the jobs.
/// </summary>
internal sealed class PostgresJobWakeup(IDbConnectionFactory factory, TimeProvider time) : LocalJobWakeup, IAsyncDisposable
{
    private static readonly TimeSpan ReconnectPause = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stop = new();
    private Task? _listener;

    public override Task WaitAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _listener) is null)
        {
            var started = new Task<Task>(() => ListenAsync(_stop.Token));
            if (Interlocked.CompareExchange(ref _listener, started.Unwrap(), null) is null) started.Start(TaskScheduler.Default);
        }
        return base.WaitAsync(cancellationToken);
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await factory.OpenAsync(cancellationToken);
                connection.Notification += (_, _) => Signal();
                await using (var command = new NpgsqlCommand($"LISTEN {JobSql.Channel}", connection))
                    await command.ExecuteNonQueryAsync(cancellationToken);
                // Work may have been queued while nobody listened.
                Signal();
                while (true) await connection.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                try { await Task.Delay(ReconnectPause, time, cancellationToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        // Twice at shutdown: the container disposes the instance it handed out, and the database that made it does too.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        if (_listener is { } listener)
        {
            try { await listener; }
            catch (OperationCanceledException) { }
        }
        _stop.Dispose();
    }
}
