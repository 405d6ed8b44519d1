using Dapper;
using GhostCrate.Core.Index;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Index;

/// <summary>index_readers (migration 0033): lease times are read from the database's own clock, never a node's.</summary>
internal sealed class IndexReadLeaseRepository(IDbConnectionFactory factory) : IIndexReadLeases
{
    // Rows of nodes that stopped without releasing (killed) are deleted this long after their lease lapsed.
    private const long ForgetAfterMs = 60 * 60 * 1000;

    private string Now => factory.NowMsSql;

    public Task RenewAsync(string node, long appliedSeq, TimeSpan lease, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO index_readers (node_id, applied_seq, lease_until) VALUES (@node, @appliedSeq, {Now} + @leaseMs)
                ON CONFLICT (node_id) DO UPDATE SET lease_until = excluded.lease_until,
                    applied_seq = CASE WHEN excluded.applied_seq > index_readers.applied_seq THEN excluded.applied_seq ELSE index_readers.applied_seq END
                """,
                new { node, appliedSeq, leaseMs = (long)lease.TotalMilliseconds }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM index_readers WHERE lease_until < {Now} - @forget",
                new { forget = ForgetAfterMs }, transaction, cancellationToken: cancellationToken));
            return 0;
        }, cancellationToken);

    public Task AcknowledgeAsync(string node, long appliedSeq, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE index_readers SET applied_seq = @appliedSeq WHERE node_id = @node AND applied_seq < @appliedSeq",
            new { node, appliedSeq }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<int> CountBehindAsync(string node, long seq, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM index_readers WHERE node_id <> @node AND lease_until > {Now} AND applied_seq < @seq",
            new { node, seq }, cancellationToken: cancellationToken)), cancellationToken);

    public Task ReleaseAsync(string node, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM index_readers WHERE node_id = @node", new { node }, transaction, cancellationToken: cancellationToken)), cancellationToken);
}
