using System.Text.Json;
using Dapper;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Notifications;

internal sealed class WebhookRepository(IDbConnectionFactory factory) : IWebhookRepository
{
    private const string EndpointColumns =
        "id AS Id, url AS Url, description AS Description, events AS Events, crate_patterns AS CratePatterns, secrets AS Secrets, " +
        "enabled AS Enabled, disabled_reason AS DisabledReason, created_at AS CreatedAt, updated_at AS UpdatedAt, kind AS Kind, org_id AS OrgId";

    private const string DeliveryColumns =
        "id AS Id, endpoint_id AS EndpointId, event_id AS EventId, event_type AS EventType, payload AS Payload, attempt AS Attempt, " +
        "success AS Success, status_code AS StatusCode, duration_ms AS DurationMs, response_excerpt AS ResponseExcerpt, error AS Error, created_at AS CreatedAt";

    public Task<WebhookEndpoint> CreateAsync(NewWebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO webhook_endpoints (url, description, events, crate_patterns, secrets, enabled, disabled_reason, created_at, updated_at, kind, org_id)
                VALUES (@Url, @Description, @events, @patterns, @secrets, @enabled, NULL, @now, @now, @Kind, @OrgId)
                RETURNING id
                """,
                Parameters(endpoint), transaction, cancellationToken: cancellationToken));
            return (await FindAsync(connection, transaction, id, cancellationToken))!;
        }, cancellationToken);

    public Task<WebhookEndpoint?> UpdateAsync(long id, NewWebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var parameters = new DynamicParameters(Parameters(endpoint));
            parameters.Add("id", id);
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE webhook_endpoints SET url = @Url, description = @Description, events = @events, crate_patterns = @patterns,
                       secrets = @secrets, enabled = @enabled, kind = @Kind,
                       disabled_reason = CASE WHEN @enabled = 1 THEN NULL ELSE disabled_reason END, updated_at = @now
                WHERE id = @id
                """,
                parameters, transaction, cancellationToken: cancellationToken));
            return changed == 0 ? null : await FindAsync(connection, transaction, id, cancellationToken);
        }, cancellationToken);

    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM webhook_endpoints WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<WebhookEndpoint?> FindAsync(long id, CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => FindAsync(connection, null, id, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<WebhookEndpoint>>(async connection =>
            (await connection.QueryAsync<EndpointRow>(new CommandDefinition(
                $"SELECT {EndpointColumns} FROM webhook_endpoints ORDER BY id", cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord()).ToList(), cancellationToken);

    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(long? orgId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<WebhookEndpoint>>(async connection =>
            (await connection.QueryAsync<EndpointRow>(new CommandDefinition(
                orgId is null
                    ? $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE org_id IS NULL ORDER BY id"
                    : $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE org_id = @orgId ORDER BY id",
                new { orgId }, cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord()).ToList(), cancellationToken);

    public Task<IReadOnlyList<long>> OrgIdsForEventAsync(string? crate, string? org, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<long>>(async connection =>
            (await connection.QueryAsync<long>(new CommandDefinition(
                """
                SELECT o.org_id FROM crate_org_owners o JOIN crates c ON c.id = o.crate_id WHERE c.canonical_name = @crate
                UNION
                SELECT t.org_id FROM crate_team_owners o JOIN teams t ON t.id = o.team_id JOIN crates c ON c.id = o.crate_id WHERE c.canonical_name = @crate
                UNION
                SELECT id FROM organizations WHERE name_canonical = @org
                """,
                new
                {
                    crate = crate is null ? null : Protocol.Crates.CrateName.Canonicalize(crate),
                    org = org is null ? null : Core.Organizations.OrganizationService.Canonical(org),
                },
                cancellationToken: cancellationToken))).ToList(), cancellationToken);

    public Task<bool> ReplaceSecretsAsync(long id, IReadOnlyList<string> expected, IReadOnlyList<string> replacement, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_endpoints SET secrets = @replacement WHERE id = @id AND secrets = @expected",
            new { id, expected = JsonSerializer.Serialize(expected), replacement = JsonSerializer.Serialize(replacement) },
            transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task DisableAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = @reason, updated_at = @now WHERE id = @id",
            new { id, reason, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<WebhookDelivery> AddDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, attempt, success, status_code, duration_ms,
                                                response_excerpt, error, created_at)
                VALUES (@EndpointId, @EventId, @EventType, @Payload, @Attempt, @success, @StatusCode, @DurationMs, @ResponseExcerpt, @Error, @createdAt)
                RETURNING id
                """,
                new
                {
                    delivery.EndpointId, delivery.EventId, delivery.EventType, delivery.Payload, delivery.Attempt, success = delivery.Success ? 1 : 0,
                    delivery.StatusCode, delivery.DurationMs, delivery.ResponseExcerpt, delivery.Error, createdAt = UnixTime.ToMs(delivery.CreatedAt),
                },
                transaction, cancellationToken: cancellationToken));
            return delivery with { Id = id, CreatedAt = UnixTime.FromMs(UnixTime.ToMs(delivery.CreatedAt)) };
        }, cancellationToken);

    public Task<WebhookDelivery?> FindDeliveryAsync(long id, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => (await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = @id", new { id }, cancellationToken: cancellationToken)))?.ToRecord(), cancellationToken);

    public Task<int> PruneDeliveriesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM webhook_deliveries WHERE created_at < @cutoff",
            new { cutoff = UnixTime.ToMs(cutoff) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long endpointId, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<WebhookDelivery>>(async connection =>
            (await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
                $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE endpoint_id = @endpointId ORDER BY id DESC LIMIT @limit",
                new { endpointId, limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord()).ToList(), cancellationToken);

    private static async Task<WebhookEndpoint?> FindAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, long id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<EndpointRow>(new CommandDefinition(
            $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)))?.ToRecord();

    private static object Parameters(NewWebhookEndpoint endpoint) => new
    {
        endpoint.Url,
        endpoint.Description,
        endpoint.Kind,
        endpoint.OrgId,
        events = JsonSerializer.Serialize(endpoint.Events),
        patterns = JsonSerializer.Serialize(endpoint.CratePatterns),
        secrets = JsonSerializer.Serialize(endpoint.Secrets),
        enabled = endpoint.Enabled ? 1 : 0,
        now = UnixTime.ToMs(endpoint.Now),
    };

    private sealed class EndpointRow
    {
        public long Id { get; set; }
        public string Url { get; set; } = "";
        public string Description { get; set; } = "";
        public string Events { get; set; } = "[]";
        public string CratePatterns { get; set; } = "[]";
        public string Secrets { get; set; } = "[]";
        public long Enabled { get; set; }
        public string? DisabledReason { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }
        public string Kind { get; set; } = WebhookKinds.Standard;
        public long? OrgId { get; set; }

        public WebhookEndpoint ToRecord() => new(
            Id, Url, Description, List(Events), List(CratePatterns), List(Secrets), Enabled != 0, DisabledReason,
            UnixTime.FromMs(CreatedAt), UnixTime.FromMs(UpdatedAt), Kind, OrgId);

        private static List<string> List(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];
    }

    private sealed class DeliveryRow
    {
        public long Id { get; set; }
        public long EndpointId { get; set; }
        public string EventId { get; set; } = "";
        public string EventType { get; set; } = "";
        public string Payload { get; set; } = "";
        public long Attempt { get; set; }
        public long Success { get; set; }
        public long? StatusCode { get; set; }
        public long DurationMs { get; set; }
        public string? ResponseExcerpt { get; set; }
        public string? Error { get; set; }
        public long CreatedAt { get; set; }

        public WebhookDelivery ToRecord() => new(
            Id, EndpointId, EventId, EventType, Payload, (int)Attempt, Success != 0, StatusCode is { } s ? (int)s : null, DurationMs,
            ResponseExcerpt, Error, UnixTime.FromMs(CreatedAt));
    }
}
