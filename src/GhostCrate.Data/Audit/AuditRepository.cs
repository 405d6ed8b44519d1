using System.Text.Json;
using Dapper;
using GhostCrate.Core.Audit;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Audit;

internal sealed class AuditRepository(IDbConnectionFactory factory) : IAuditRepository
{
    private const string Columns =
        "id AS Id, occurred_at AS OccurredAt, actor_id AS ActorId, actor_name AS ActorName, token_id AS TokenId, " +
        "address AS Address, action AS Action, target AS Target, details AS Details";

    public Task AppendAsync(NewAuditEvent entry, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_events (occurred_at, actor_id, actor_name, token_id, address, action, target, details)
            VALUES (@occurredAt, @ActorId, @ActorName, @TokenId, @Address, @Action, @Target, @details)
            """,
            new
            {
                occurredAt = UnixTime.ToMs(entry.OccurredAt), entry.ActorId, entry.ActorName, entry.TokenId, entry.Address,
                entry.Action, entry.Target, details = entry.Details.Count == 0 ? null : JsonSerializer.Serialize(entry.Details),
            },
            transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<AuditEvent>>(async connection =>
        {
            var where = new List<string>();
            if (query.Actor is not null) where.Add("actor_name = @Actor");
            if (query.Action is not null) where.Add(query.Action.EndsWith('.') ? "action LIKE @actionPrefix" : "action = @Action");
            if (query.Target is not null) where.Add("target = @Target");
            if (query.Since is not null) where.Add("occurred_at >= @since");
            if (query.BeforeId is not null) where.Add("id < @BeforeId");
            var sql = $"SELECT {Columns} FROM audit_events {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY id DESC LIMIT @Limit";
            var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(sql, new
            {
                query.Actor, query.Action, actionPrefix = query.Action + "%", query.Target, since = UnixTime.ToMs(query.Since), query.BeforeId, query.Limit,
            }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    private sealed class AuditRow
    {
        public long Id { get; set; }
        public long OccurredAt { get; set; }
        public long? ActorId { get; set; }
        public string? ActorName { get; set; }
        public long? TokenId { get; set; }
        public string? Address { get; set; }
        public string Action { get; set; } = "";
        public string? Target { get; set; }
        public string? Details { get; set; }

        public AuditEvent ToRecord() => new(
            Id, UnixTime.FromMs(OccurredAt), ActorId, ActorName, TokenId, Address, Action, Target,
            Details is null ? new Dictionary<string, string?>() : JsonSerializer.Deserialize<Dictionary<string, string?>>(Details) ?? []);
    }
}
