using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// Per-organization webhook endpoints (/api/v1/orgs/{org}/webhooks, /orgs/{name}/webhooks): the organization's owners
/// and admins manage them; a real receiver on 127.0.0.1 gets signed events about the organization's crates (owned by
/// the organization or one of its teams) and nothing about another organization's.
/// </summary>
public sealed class OrgWebhookTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Jobs:PollInterval"] = "00:00:00.100",
        ["Webhooks:AllowedCidrs:0"] = "127.0.0.1/32",
    };

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> AddOwnerAsync(HttpClient client, string crate, string owner) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/crates/{crate}/owners") { Content = JsonContent.Create(new { users = new[] { owner } }) });

    private static async Task JoinAsync(TestApp app, HttpClient owner, string org, string user, string userToken, string role)
    {
        var invitation = await OkAsync(owner.PostAsJsonAsync($"/api/v1/orgs/{org}/invitations", new { user, role }), HttpStatusCode.Created);
        await OkAsync(app.Client(userToken).PostAsync($"/api/v1/me/invitations/{invitation.GetProperty("id").GetInt64()}/accept", null));
    }

    private static (string Type, string? Crate, string? Version) Describe(WebhookReceiver.Received request)
    {
        var root = JsonDocument.Parse(request.Body).RootElement;
        var data = root.GetProperty("data");
        return (root.GetProperty("type").GetString()!,
            data.TryGetProperty("crate", out var c) ? c.GetString() : null,
            data.TryGetProperty("version", out var v) ? v.GetString() : null);
    }

    [Fact]
    public async Task An_organizations_endpoint_gets_its_crates_events_signed_and_not_another_organizations()
    {
        await using var orgReceiver = await WebhookReceiver.StartAsync();
        await using var allReceiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings);
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var bobToken = await Users.CreateWithTokenAsync(app, "bob");
        var olga = app.Client(olgaToken);
        var bob = app.Client(bobToken);
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs/acme/teams", new { name = "core" }), HttpStatusCode.Created);
        await OkAsync(bob.PostAsJsonAsync("/api/v1/orgs", new { name = "beta" }), HttpStatusCode.Created);
        foreach (var (crate, token, owner) in new[] { ("acme-lib", olgaToken, "org:acme"), ("acme-core", olgaToken, "org:acme:core"), ("beta-lib", bobToken, "org:beta"), ("olgas-own", olgaToken, (string?)null) })
        {
            Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid(crate, "1.0.0").PublishBody(), token)).StatusCode);
            if (owner is not null) await OkAsync(AddOwnerAsync(app.Client(token), crate, owner));
        }

        var created = await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs/acme/webhooks", new { url = orgReceiver.Url.ToString(), events = new[] { "crate.published", "crate.yanked" } }), HttpStatusCode.Created);
        var endpointId = created.GetProperty("id").GetInt64();
        var secret = created.GetProperty("secrets")[0].GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        // A registry-wide endpoint hears everything: once it has an event, that event's fan-out is over.
        await OkAsync(app.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/webhooks", new { url = allReceiver.Url.ToString(), events = new[] { "crate.published", "crate.yanked" } }), HttpStatusCode.Created);

        foreach (var (crate, token) in new[] { ("beta-lib", bobToken), ("olgas-own", olgaToken), ("acme-lib", olgaToken), ("acme-core", olgaToken) })
            Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid(crate, "2.0.0").PublishBody(), token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await olga.DeleteAsync("/api/v1/crates/acme-lib/2.0.0/yank")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.DeleteAsync("/api/v1/crates/beta-lib/2.0.0/yank")).StatusCode);

        // Every 2.0.0 event has reached the registry-wide endpoint, so every fan-out has run.
        await Eventually.TrueAsync(() => allReceiver.Requests.Select(Describe).Count(d => d.Version == "2.0.0") >= 6, "six 2.0.0 events at the registry-wide endpoint", TimeSpan.FromSeconds(30));
        Assert.Equal(6, allReceiver.Requests.Select(Describe).Count(d => d.Version == "2.0.0"));

        var expected = new (string, string?, string?)[] { ("crate.published", "acme-core", "2.0.0"), ("crate.published", "acme-lib", "2.0.0"), ("crate.yanked", "acme-lib", "2.0.0") };
        await Eventually.TrueAsync(() => orgReceiver.Requests.Select(Describe).Count(d => d.Version == "2.0.0") >= expected.Length, "the organization's 2.0.0 events", TimeSpan.FromSeconds(30));
        var received = orgReceiver.Requests.ToList();
        // 1.0.0 events may or may not still have been fanned out after the endpoint was made; 2.0.0 ones are exact.
        Assert.Equal(expected, received.Select(Describe).Where(d => d.Version == "2.0.0").Order().ToArray());
        Assert.DoesNotContain(received.Select(Describe), d => d.Crate is "beta-lib" or "olgas-own");
        Assert.All(received, r =>
        {
            Assert.True(WebhookReceiver.VerifyStandard(r, secret), "webhook-signature does not verify");
            Assert.True(WebhookReceiver.VerifyHub(r, secret), "X-Hub-Signature-256 does not verify");
        });

        // The organization's delivery log lists them; "send test event" reaches its receiver, signed.
        var log = default(JsonElement);
        await Eventually.TrueAsync(async () =>
        {
            log = (await OkAsync(olga.GetAsync($"/api/v1/orgs/acme/webhooks/{endpointId}/deliveries"))).GetProperty("deliveries");
            return log.GetArrayLength() >= received.Count;
        }, "every delivery in the organization's log", TimeSpan.FromSeconds(30));
        Assert.Equal(received.Count, log.GetArrayLength());
        Assert.All(log.EnumerateArray(), d => Assert.True(d.GetProperty("success").GetBoolean()));
        var test = await OkAsync(olga.PostAsync($"/api/v1/orgs/acme/webhooks/{endpointId}/test", null), HttpStatusCode.Accepted);
        var testId = test.GetProperty("event_id").GetString();
        await Eventually.TrueAsync(() => orgReceiver.Requests.Any(r => r.Id == testId), "the test event at the organization's receiver", TimeSpan.FromSeconds(30));
        Assert.True(WebhookReceiver.VerifyStandard(orgReceiver.Requests.Single(r => r.Id == testId), secret));
    }

    [Fact]
    public async Task Only_owners_and_admins_of_the_organization_manage_its_endpoints_and_changes_are_audited()
    {
        await using var app = await TestApp.StartAsync(Settings);
        var olga = app.Client(await Users.CreateWithTokenAsync(app, "olga"));
        var adaToken = await Users.CreateWithTokenAsync(app, "ada");
        var miaToken = await Users.CreateWithTokenAsync(app, "mia");
        var bob = app.Client(await Users.CreateWithTokenAsync(app, "bob"));
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        await OkAsync(bob.PostAsJsonAsync("/api/v1/orgs", new { name = "beta" }), HttpStatusCode.Created);
        await JoinAsync(app, olga, "acme", "ada", adaToken, "admin");
        await JoinAsync(app, olga, "acme", "mia", miaToken, "member");
        var body = new { url = "https://hooks.example.com/acme", events = new[] { "crate.published" } };

        // An admin of the organization may; a member is refused (403), an outsider does not see the organization (404).
        var createdResponse = await app.Client(adaToken).PostAsJsonAsync("/api/v1/orgs/acme/webhooks", body);
        Assert.Equal(HttpStatusCode.Created, createdResponse.StatusCode);
        var id = (await Json.ReadAsync(createdResponse)).GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/orgs/acme/webhooks/{id}", createdResponse.Headers.Location!.OriginalString);
        var mia = app.Client(miaToken);
        foreach (var response in new[]
                 {
                     await mia.GetAsync("/api/v1/orgs/acme/webhooks"),
                     await mia.PostAsJsonAsync("/api/v1/orgs/acme/webhooks", body),
                     await mia.DeleteAsync($"/api/v1/orgs/acme/webhooks/{id}"),
                     await mia.PostAsync($"/api/v1/orgs/acme/webhooks/{id}/test", null),
                 })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync("/api/v1/orgs/acme/webhooks")).StatusCode);
        // Another scope's endpoint does not exist there: not through beta's routes, not through the registry-wide ones.
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/orgs/beta/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/v1/orgs/beta/webhooks/{id}")).StatusCode);
        var admin = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/admin/webhooks/{id}")).StatusCode);
        Assert.DoesNotContain((await OkAsync(admin.GetAsync("/api/v1/admin/webhooks"))).GetProperty("endpoints").EnumerateArray(), e => e.GetProperty("id").GetInt64() == id);
        // Site administrators may manage an organization's endpoints through its routes.
        Assert.Equal(1, (await OkAsync(admin.GetAsync("/api/v1/orgs/acme/webhooks"))).GetProperty("endpoints").GetArrayLength());

        // The secret is shown once; bad input is a ProblemDetails and stores nothing.
        var listed = await OkAsync(olga.GetAsync($"/api/v1/orgs/acme/webhooks/{id}"));
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("secrets").ValueKind);
        var bad = await olga.PostAsJsonAsync("/api/v1/orgs/acme/webhooks", new { url = "ftp://example.com/hook" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Single((await OkAsync(olga.GetAsync("/api/v1/orgs/acme/webhooks"))).GetProperty("endpoints").EnumerateArray());

        var patched = await OkAsync(olga.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/orgs/acme/webhooks/{id}") { Content = JsonContent.Create(new { enabled = false }) }));
        Assert.False(patched.GetProperty("enabled").GetBoolean());
        await OkAsync(olga.DeleteAsync($"/api/v1/orgs/acme/webhooks/{id}"), HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.NotFound, (await olga.GetAsync($"/api/v1/orgs/acme/webhooks/{id}")).StatusCode);

        var audit = await admin.GetStringAsync("/api/v1/admin/audit?action=webhook.");
        foreach (var action in new[] { "webhook.created", "webhook.updated", "webhook.deleted" })
            Assert.Contains(action, audit, StringComparison.Ordinal);
        Assert.Contains($"org:acme:webhook:{id}", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_organization_page_links_its_webhooks_page_whose_forms_redirect()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings);
        var olga = app.Client(await Users.CreateWithTokenAsync(app, "olga"));
        var miaToken = await Users.CreateWithTokenAsync(app, "mia");
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        await JoinAsync(app, olga, "acme", "mia", miaToken, "member");

        using var member = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await member.LoginAsync("mia", "a long enough password")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.Http.GetAsync("/orgs/acme/webhooks")).StatusCode);
        Assert.DoesNotContain("/orgs/acme/webhooks", await member.Http.GetStringAsync("/orgs/acme"), StringComparison.Ordinal);

        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("olga", "a long enough password")).StatusCode);
        Assert.Contains("href=\"/orgs/acme/webhooks\"", await web.Http.GetStringAsync("/orgs/acme"), StringComparison.Ordinal);
        var page = new HtmlParser().ParseDocument(await web.Http.GetStringAsync("/orgs/acme/webhooks"));
        var create = (IHtmlFormElement)page.QuerySelector("form[action*='handler=Create']")!;
        Assert.StartsWith("/orgs/acme/webhooks", create.GetAttribute("action"), StringComparison.Ordinal);
        var values = create.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        values["NewEndpoint.Url"] = receiver.Url.ToString();
        var created = await web.Http.PostAsync(create.GetAttribute("action")!, new FormUrlEncodedContent(values));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var answer = new HtmlParser().ParseDocument(await created.Content.ReadAsStringAsync());
        var secret = answer.GetElementById("webhook-secret")!.TextContent.Trim();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var id = answer.QuerySelector("section[data-deliveries]")!.GetAttribute("data-deliveries")!;

        var detail = new HtmlParser().ParseDocument(await web.Http.GetStringAsync($"/orgs/acme/webhooks?id={id}"));
        var testForm = (IHtmlFormElement)detail.QuerySelector("form[action*='handler=Test']")!;
        var testValues = testForm.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        var tested = await web.Http.PostAsync(testForm.GetAttribute("action")!, new FormUrlEncodedContent(testValues));
        Assert.Equal(HttpStatusCode.Redirect, tested.StatusCode);
        Assert.Equal($"/orgs/acme/webhooks?id={id}&done=tested", tested.Headers.Location!.OriginalString);
        Assert.True(WebhookReceiver.VerifyStandard((await receiver.WaitForAsync(1))[0], secret));
    }

    [Fact]
    public async Task Member_changes_reach_the_organizations_endpoint_and_not_another_organizations()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings);
        var olga = app.Client(await Users.CreateWithTokenAsync(app, "olga"));
        var bob = app.Client(await Users.CreateWithTokenAsync(app, "bob"));
        var miaToken = await Users.CreateWithTokenAsync(app, "mia");
        var nedToken = await Users.CreateWithTokenAsync(app, "ned");
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        await OkAsync(bob.PostAsJsonAsync("/api/v1/orgs", new { name = "beta" }), HttpStatusCode.Created);
        var created = await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs/acme/webhooks", new { url = receiver.Url.ToString(), events = new[] { "org.member_changed" } }), HttpStatusCode.Created);
        var secret = created.GetProperty("secrets")[0].GetString()!;
        await using var everything = await WebhookReceiver.StartAsync();
        await OkAsync(app.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/webhooks", new { url = everything.Url.ToString(), events = new[] { "org.member_changed" } }), HttpStatusCode.Created);

        await JoinAsync(app, bob, "beta", "ned", nedToken, "member");
        await JoinAsync(app, olga, "acme", "mia", miaToken, "member");
        await OkAsync(olga.PutAsJsonAsync("/api/v1/orgs/acme/members/mia", new { role = "admin" }));
        await OkAsync(olga.DeleteAsync("/api/v1/orgs/acme/members/mia"));
        await OkAsync(bob.DeleteAsync("/api/v1/orgs/beta/members/ned"));

        // All five events reached the registry-wide endpoint, so all five were fanned out.
        await everything.WaitForAsync(5);
        var requests = await receiver.WaitForAsync(3);
        var changes = requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data"))
            .Select(d => (d.GetProperty("org").GetString(), d.GetProperty("user").GetString(), d.GetProperty("action").GetString(), d.GetProperty("role").GetString(), d.GetProperty("previous_role").GetString()))
            .Order().ToList();
        Assert.Equal(
            [("acme", "mia", "added", "member", null), ("acme", "mia", "removed", null, "admin"), ("acme", "mia", "role_changed", "admin", "member")],
            changes);
        Assert.All(requests, r => Assert.True(WebhookReceiver.VerifyStandard(r, secret)));
        Assert.Equal(3, receiver.Requests.Count);
        Assert.DoesNotContain(receiver.Requests, r => r.Body.Contains("\"beta\"", StringComparison.Ordinal));
    }
}
