using System.Data.Common;
using Dapper;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Options;
using GhostCrate.Data.Changes;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Index;

/// <summary>
/// Hands out the global change counter inside a write transaction. Readers follow it with `WHERE seq > @last`, which
/// is exact only if values become visible in the order they are handed out: a write that took 5 and committed after
/// the one that took 6 would be skipped by a reader that had already seen 6. So the value is taken under a lock that
/// the transaction holds until it commits:
/// <list type="bullet">
/// <item>SQLite: the counter row is updated in the BEGIN IMMEDIATE transaction, which holds the database's only write
/// lock until commit;</item>
/// <item>PostgreSQL: a transaction-scoped advisory lock is taken before nextval on the sequence and is released only
/// after the commit is visible to new snapshots (locks are released after the transaction leaves the proc array), so
/// the next writer's value is larger and its commit later. Writers of different crates take turns only for the last
/// statements of their transactions: the caller takes the value just before it commits (after any blob upload).</item>
/// </list>
/// On PostgreSQL the same call queues a notification on the change feed (topic <see cref="ChangeTopics.Index"/>,
/// delivered at commit, never for a rollback), so listening nodes follow at once instead of on their next read.
/// </summary>
internal static class IndexChangeCounter
{
    // "GhostChg" in ASCII; distinct from the migration lock's key.
    private const long SequenceLockKey = 0x4768_6F73_7443_6867;

    public static async Task<long> NextAsync(IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (factory.Provider == DatabaseProvider.Sqlite)
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value",
                transaction: transaction, cancellationToken: cancellationToken));
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@key)", new { key = SequenceLockKey }, transaction, cancellationToken: cancellationToken));
        var seq = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT nextval('change_seq')", transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_notify(@channel, @payload)", new { channel = PostgresChangeFeed.Channel, payload = ChangeTopics.Index },
            transaction, cancellationToken: cancellationToken));
        return seq;
    }
}
