using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// Slack and Microsoft Teams endpoints: the same queue, retries and SSRF guard as signed webhooks, with the body each
/// service's incoming webhook expects, asserted on a real receiver on 127.0.0.1.
/// </summary>
public sealed class ChatWebhookTests
{
    private const string PublicUrl = "https://crates.example.test";

    private static Dictionary<string, string?> Settings() => new()
    {
        ["Registry:PublicUrl"] = PublicUrl,
        ["Jobs:PollInterval"] = "00:00:00.100",
        ["Webhooks:RetrySchedule:0"] = "00:00:00",
        ["Webhooks:AllowedCidrs:0"] = "127.0.0.1/32",
    };

    private static async Task<JsonElement> CreateAsync(TestApp app, object body)
    {
        var response = await app.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/webhooks", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    [Fact]
    public async Task Slack_gets_text_and_blocks_with_escaped_values_and_a_link_to_the_crate()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings());
        var endpoint = await CreateAsync(app, new { url = receiver.Url.ToString(), kind = "slack", events = new[] { "crate.published" } });
        Assert.Equal("slack", endpoint.GetProperty("kind").GetString());
        receiver.AnswerNext(500);

        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("chat-me", "1.0.0").PublishBody())).StatusCode);

        // The first answer was 500: the same message is sent again.
        var requests = await receiver.WaitForAsync(2);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Null(requests[1].Signature);
        var payload = JsonDocument.Parse(requests[1].Body).RootElement;
        Assert.Equal("chat-me 1.0.0 published: admin published the first version of chat-me 1.0.0.", payload.GetProperty("text").GetString());
        var blocks = payload.GetProperty("blocks");
        Assert.Equal(("header", "plain_text", "chat-me 1.0.0 published"),
            (blocks[0].GetProperty("type").GetString(), blocks[0].GetProperty("text").GetProperty("type").GetString(), blocks[0].GetProperty("text").GetProperty("text").GetString()));
        Assert.Equal("mrkdwn", blocks[1].GetProperty("text").GetProperty("type").GetString());
        Assert.Contains($"<{PublicUrl}/crates/chat-me/1.0.0|View chat-me 1.0.0>", blocks[1].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Teams_gets_an_adaptive_card_message()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings());
        var endpoint = await CreateAsync(app, new { url = receiver.Url.ToString(), kind = "teams", events = new[] { "crate.yanked" } });

        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("teams-me", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/teams-me/1.0.0/yank")).StatusCode);

        var payload = JsonDocument.Parse((await receiver.WaitForAsync(1))[0].Body).RootElement;
        Assert.Equal("message", payload.GetProperty("type").GetString());
        var attachment = payload.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal(("AdaptiveCard", "1.4"), (card.GetProperty("type").GetString(), card.GetProperty("version").GetString()));
        Assert.Equal("teams-me 1.0.0 yanked", card.GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Equal("Version 1.0.0 of teams-me was yanked.", card.GetProperty("body")[1].GetProperty("text").GetString());
        var action = card.GetProperty("actions")[0];
        Assert.Equal(("Action.OpenUrl", $"{PublicUrl}/crates/teams-me/1.0.0"), (action.GetProperty("type").GetString(), action.GetProperty("url").GetString()));

        // The delivery log and "send test event" work for chat endpoints too.
        var id = endpoint.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{id}/test", null)).StatusCode);
        var test = JsonDocument.Parse((await receiver.WaitForAsync(2))[1].Body).RootElement;
        Assert.Equal("GhostCrate test message", test.GetProperty("attachments")[0].GetProperty("content").GetProperty("body")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Chat_endpoints_need_a_known_kind_and_the_public_url_and_are_refused_on_loopback_unless_allowed()
    {
        await using var app = await TestApp.StartAsync(new() { ["Jobs:PollInterval"] = "00:00:00.100" });
        var admin = app.Client(TestApp.AdminToken);
        var unknown = await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = "https://hooks.example.com/x", kind = "irc" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var noPublicUrl = await admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = "https://hooks.slack.com/services/T/B/X", kind = "slack" });
        Assert.Equal(HttpStatusCode.BadRequest, noPublicUrl.StatusCode);
        Assert.Contains("Registry:PublicUrl", await noPublicUrl.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var receiver = await WebhookReceiver.StartAsync();
        await using var guarded = await TestApp.StartAsync(new() { ["Registry:PublicUrl"] = PublicUrl, ["Jobs:PollInterval"] = "00:00:00.100", ["Webhooks:RetrySchedule:0"] = "00:00:00" });
        var endpoint = await CreateAsync(guarded, new { url = receiver.Url.ToString(), kind = "teams" });
        var id = endpoint.GetProperty("id").GetInt64();
        await guarded.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{id}/test", null);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement log;
        do log = (await Json.ReadAsync(await guarded.Client(TestApp.AdminToken).GetAsync($"/api/v1/admin/webhooks/{id}/deliveries"))).GetProperty("deliveries");
        while (log.GetArrayLength() < 2 && DateTime.UtcNow < deadline && await Task.Delay(25).ContinueWith(_ => true));
        Assert.Equal(2, log.GetArrayLength());
        Assert.All(log.EnumerateArray(), d => Assert.Contains("refused", d.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Empty(receiver.Requests);
    }
}
