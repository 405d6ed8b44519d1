using GhostCrate.Core.Index;
using GhostCrate.Data.Connections;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GhostCrate.Data.Index;

/// <summary>
/// PostgreSQL: LISTENs on <see cref="IndexChangeCounter.Channel"/> on a connection of its own, so that a write on any
/// node (its NOTIFY is delivered at commit) drops the changed file here within milliseconds, without waiting for the
/// next read. The notification only says "read the counter": its payload is not trusted to be complete, and a
/// connection that is lost (and the notifications sent meanwhile) costs nothing, since the catch-up after every
/// reconnection reads everything past the last value seen (https://www.postgresql.org/docs/current/sql-notify.html).
/// </summary>
internal sealed class PostgresChangeListener(IDbConnectionFactory factory, TimeProvider time, ILogger<PostgresChangeListener> logger) : IIndexChangeSignal
{
    /// <summary>How long the connection may be silent before it is checked with a query (a dead peer is noticed).</summary>
    public static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    public bool SharedByNodes => true;

    public async Task RunAsync(Func<CancellationToken, Task> catchUp, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(catchUp, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Listening for index changes failed; reconnecting in {Delay}", backoff);
                try
                {
                    await Task.Delay(backoff, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
                continue;
            }
        }
    }

    private async Task ListenAsync(Func<CancellationToken, Task> catchUp, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)await factory.OpenAsync(cancellationToken);
        var notified = 0;
        connection.Notification += (_, _) => Interlocked.Exchange(ref notified, 1);
        await using (var listen = new NpgsqlCommand($"LISTEN {IndexChangeCounter.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }
        // Listening from here on: whatever committed before is read now, whatever commits later is notified.
        await catchUp(cancellationToken);
        logger.LogDebug("Listening for index changes on {Channel}", IndexChangeCounter.Channel);
        while (true)
        {
            if (!await connection.WaitAsync(IdleCheck, cancellationToken))
            {
                // A round trip that fails on a dead connection; LISTEN again is a no-op for a live one.
                await using var check = new NpgsqlCommand($"LISTEN {IndexChangeCounter.Channel}", connection);
                await check.ExecuteNonQueryAsync(cancellationToken);
            }
            // One catch-up for however many notifications arrived meanwhile (it reads every change past the last).
            if (Interlocked.Exchange(ref notified, 0) == 1) await catchUp(cancellationToken);
        }
    }
}
