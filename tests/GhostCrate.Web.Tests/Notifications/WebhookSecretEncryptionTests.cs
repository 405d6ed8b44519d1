using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Notifications;
using GhostCrate.Data;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// Webhook signing secrets are stored encrypted with the server's Data Protection keys: the raw row never holds the
/// secret, plaintext rows from before are encrypted at the next start, and a second node on the same PostgreSQL
/// decrypts the first node's rows (the key ring is in the database).
/// </summary>
public sealed class WebhookSecretEncryptionTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Jobs:PollInterval"] = "00:00:00.100",
        ["Webhooks:AllowedCidrs:0"] = "127.0.0.1/32",
    };

    /// <summary>The endpoint as the database holds it, below the repository that encrypts.</summary>
    private static Task<WebhookEndpoint?> RawAsync(TestApp app, long id) =>
        app.Services.GetRequiredService<GhostCrateDatabase>().Webhooks.FindAsync(id, CancellationToken.None);

    private static async Task<(long Id, string Secret)> CreateAsync(TestApp app, Uri url)
    {
        var response = await app.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/webhooks", new { url = url.ToString(), events = new[] { "crate.unyanked" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await Json.ReadAsync(response);
        return (json.GetProperty("id").GetInt64(), json.GetProperty("secrets")[0].GetString()!);
    }

    private static async Task<WebhookReceiver.Received> SendTestAsync(TestApp app, WebhookReceiver receiver, long id)
    {
        var test = await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{id}/test", null);
        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        var eventId = (await Json.ReadAsync(test)).GetProperty("event_id").GetString();
        await Eventually.TrueAsync(() => receiver.Requests.Any(r => r.Id == eventId), "the event at the receiver", TimeSpan.FromSeconds(30));
        return receiver.Requests.Single(r => r.Id == eventId);
    }

    [Fact]
    public async Task Secrets_are_encrypted_at_rest_and_never_shown_again_yet_deliveries_are_signed_with_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings);
        var (id, secret) = await CreateAsync(app, receiver.Url);

        var raw = (await RawAsync(app, id))!;
        var stored = Assert.Single(raw.Secrets);
        Assert.StartsWith(IWebhookSecretProtector.Prefix, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret["whsec_".Length..], stored, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", await app.Client(TestApp.AdminToken).GetStringAsync($"/api/v1/admin/webhooks/{id}"), StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", await app.Client(TestApp.AdminToken).GetStringAsync("/api/v1/admin/webhooks"), StringComparison.Ordinal);

        Assert.True(WebhookReceiver.VerifyStandard(await SendTestAsync(app, receiver, id), secret));

        // Rotation stores both secrets encrypted and signs with both.
        var rotated = await Json.ReadAsync(await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{id}/rotate-secret", null));
        var newSecret = rotated.GetProperty("secrets")[0].GetString()!;
        Assert.Equal(secret, rotated.GetProperty("secrets")[1].GetString());
        Assert.All((await RawAsync(app, id))!.Secrets, s => Assert.StartsWith(IWebhookSecretProtector.Prefix, s, StringComparison.Ordinal));
        var signed = await SendTestAsync(app, receiver, id);
        Assert.True(WebhookReceiver.VerifyStandard(signed, secret));
        Assert.True(WebhookReceiver.VerifyStandard(signed, newSecret));
    }

    [Fact]
    public async Task Plaintext_secrets_from_before_are_encrypted_at_the_next_start_and_keep_signing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var dataDir = Path.Combine(Path.GetTempPath(), "gc-web-" + Guid.NewGuid().ToString("N"));
        try
        {
            var legacy = WebhookSignature.NewSecret();
            long id;
            await using (var before = await TestApp.StartAsync(Settings, dataDir: dataDir))
            {
                // As a row written before encryption: straight into the table.
                id = (await before.Services.GetRequiredService<GhostCrateDatabase>().Webhooks.CreateAsync(
                    new NewWebhookEndpoint(receiver.Url.ToString(), "old", ["crate.unyanked"], [], [legacy], true, DateTimeOffset.UtcNow), CancellationToken.None)).Id;
                Assert.Equal([legacy], (await RawAsync(before, id))!.Secrets);
            }

            await using var after = await TestApp.StartAsync(Settings, dataDir: dataDir);
            var stored = Assert.Single((await RawAsync(after, id))!.Secrets);
            Assert.StartsWith(IWebhookSecretProtector.Prefix, stored, StringComparison.Ordinal);
            Assert.True(WebhookReceiver.VerifyStandard(await SendTestAsync(after, receiver, id), legacy));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_node_on_one_PostgreSQL_decrypts_the_first_nodes_secrets()
    {
        await using var database = await ScratchPostgresDatabase.CreateAsync("gc_hooks");
        // The nodes stop at the end of this block, before the database is dropped.
        {
            var shared = new Dictionary<string, string?>(Settings)
            {
                ["Database:Provider"] = "Postgres",
                ["Database:ConnectionString"] = database.ConnectionString,
                ["Database:AutoMigrate"] = "true",
            };
            await using var receiver = await WebhookReceiver.StartAsync();
            await using var a = await TestApp.StartAsync(shared);
            var (id, secret) = await CreateAsync(a, receiver.Url);
            await using var b = await TestApp.StartAsync(shared);

            Assert.StartsWith(IWebhookSecretProtector.Prefix, Assert.Single((await RawAsync(b, id))!.Secrets), StringComparison.Ordinal);
            // Node b reads node a's secret: a rotation on b keeps it (second), and b's deliveries are signed with it.
            var rotated = await Json.ReadAsync(await b.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{id}/rotate-secret", null));
            Assert.Equal(secret, rotated.GetProperty("secrets")[1].GetString());
            var newSecret = rotated.GetProperty("secrets")[0].GetString()!;
            // And node a reads node b's new secret.
            var fromA = await a.Services.GetRequiredService<IWebhookRepository>().FindAsync(id, CancellationToken.None);
            Assert.Equal([newSecret, secret], fromA!.Secrets);
            Assert.True(WebhookReceiver.VerifyStandard(await SendTestAsync(b, receiver, id), secret));
        }
    }

}
