using GhostCrate.Core.Notifications;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>The delivery log is pruned by age, on both databases.</summary>
public abstract class WebhookDeliveryPruneTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Deliveries_older_than_the_cutoff_are_deleted_and_newer_ones_kept()
    {
        var webhooks = Db.Ports.Webhooks;
        var endpoint = await webhooks.CreateAsync(new NewWebhookEndpoint("https://hooks.example.com/x", "", [], [], ["whsec_AAAA"], true, T0), Ct);
        foreach (var day in new[] { 0, 1, 10, 20 })
            await webhooks.AddDeliveryAsync(new WebhookDelivery(0, endpoint.Id, $"msg_{day}", "webhook.test", "{}", 1, true, 200, 5, "ok", null, T0.AddDays(day)), Ct);

        Assert.Equal(2, await webhooks.PruneDeliveriesAsync(T0.AddDays(5), Ct));
        Assert.Equal(0, await webhooks.PruneDeliveriesAsync(T0.AddDays(5), Ct));
        Assert.Equal(["msg_20", "msg_10"], (await webhooks.ListDeliveriesAsync(endpoint.Id, 10, Ct)).Select(d => d.EventId));
    }
}

public sealed class SqliteWebhookDeliveryPruneTests(SqliteLane lane) : WebhookDeliveryPruneTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresWebhookDeliveryPruneTests(PostgresLane lane) : WebhookDeliveryPruneTests(lane), IClassFixture<PostgresLane>;
