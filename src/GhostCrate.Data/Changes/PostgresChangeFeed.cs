using GhostCrate.Core.Changes;
using GhostCrate.Data.Connections;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GhostCrate.Data.Changes;

/// <summary>
/// PostgreSQL: one connection per node LISTENs on <see cref="Channel"/>, which every write that others must hear about
/// NOTIFYs with its topic as payload (<see cref="ChangeTopics"/>; delivered at commit, never for a rollback:
/// https://www.postgresql.org/docs/current/sql-notify.html). Index changes, access changes and queued jobs share it, so
/// a node holds one listening connection whatever it follows. A lost connection is reopened with a growing pause, and
/// since notifications sent meanwhile are gone, every subscriber catches up once it is listening again.
/// </summary>
internal sealed class PostgresChangeFeed(IDbConnectionFactory factory, TimeProvider time, ChangeSubscribers subscribers, ILogger<PostgresChangeFeed> logger) : IChangeFeed
{
    /// <summary>The LISTEN/NOTIFY channel of the change feed (migration 0012's triggers use it too).</summary>
    public const string Channel = "ghostcrate_changes";

    /// <summary>How long the connection may be silent before it is checked with a round trip (a dead peer is noticed).</summary>
    public static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);

    /// <summary>First pause before reconnecting; it doubles up to <see cref="MaxBackoff"/> while connecting keeps failing.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private int _running;

    public bool SharedByNodes => true;

    public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp) => subscribers.Subscribe(topic, catchUp);

    public async Task AnnounceAsync(string topic, CancellationToken cancellationToken)
    {
        // Outside a transaction: delivered at once, to this node's listening connection too.
        await using var connection = (NpgsqlConnection)await factory.OpenAsync(cancellationToken);
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @topic)", connection);
        notify.Parameters.AddWithValue("channel", Channel);
        notify.Parameters.AddWithValue("topic", topic);
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1) throw new InvalidOperationException("The change feed already runs: one listening connection per node.");
        try
        {
            var backoff = FirstBackoff;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await ListenAsync(() => backoff = FirstBackoff, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    logger.LogWarning(exception, "Listening for changes failed; reconnecting in {Delay}", backoff);
                    try
                    {
                        await Task.Delay(backoff, time, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task ListenAsync(Action connected, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)await factory.OpenAsync(cancellationToken);
        // Runs on Npgsql's reading path inside WaitAsync: Notify only flips flags and queues work.
        connection.Notification += (_, e) => subscribers.Notify(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }
        connected();
        // Listening from here on: whatever committed before is read by this catch-up, whatever commits later is notified.
        subscribers.NotifyAll();
        logger.LogDebug("Listening for changes on {Channel}", Channel);
        while (true)
        {
            if (!await connection.WaitAsync(IdleCheck, cancellationToken))
            {
                // A round trip that fails on a dead connection; LISTEN again is a no-op for a live one.
                await using var check = new NpgsqlCommand($"LISTEN {Channel}", connection);
                await check.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
