using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Proxy;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

using static GhostCrate.Web.Tests.Support.MailTestUsers;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// The email topics of the newer events, delivered through a real SMTP server (maildev from npm): advisory.matched to
/// the owners of the affected private crate (once, never for a proxied copy), org.member_changed to the organization's
/// owners and the member, user.invited to the invitee, proxy.upstream_down/up to administrators only; each with the per-user opt-out.
/// </summary>
public sealed class NewerEventEmailTests
{
    private const string PublicUrl = "https://crates.example.test";

    private static Dictionary<string, string?> Settings(MailDev mail)
    {
        var settings = mail.Settings(PublicUrl);
        settings["Webhooks:AllowedCidrs:0"] = "127.0.0.1/32";
        return settings;
    }

    private static async Task OkAsync(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await call;
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<List<string>> TopicsAsync(HttpClient client) =>
        [.. (await Json.ReadAsync(await client.GetAsync("/api/v1/me/notifications"))).GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("topic").GetString()!)];

    [Fact]
    public async Task An_advisory_is_mailed_once_to_the_owners_of_the_affected_private_version_and_never_for_a_proxied_copy()
    {
        var mail = MailDev.Shared();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings(mail));
        var admin = app.Client(TestApp.AdminToken);
        var (olgaToken, olga) = await UserWithEmailAsync(app, "olga");
        var (_, mia) = await UserWithEmailAsync(app, "mia");
        await OkAsync(admin.PostAsJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url.ToString(), events = new[] { "advisory.matched" } }), HttpStatusCode.Created);

        await OkAsync(app.PublishAsync(CrateFileBuilder.Valid("smallvec", "1.6.0").PublishBody()));
        await OkAsync(app.PublishAsync(CrateFileBuilder.Valid("smallvec", "1.6.1").PublishBody()));
        await OkAsync(app.PublishAsync(CrateFileBuilder.Valid("other-crate", "0.1.0").PublishBody()));
        await OkAsync(admin.PutAsJsonAsync("/api/v1/crates/smallvec/owners", new { users = new[] { "olga" } }));
        await OkAsync(admin.PutAsJsonAsync("/api/v1/crates/other-crate/owners", new { users = new[] { "mia" } }));
        // A proxied copy of crates.io's smallvec: affected too, but it is nobody's crate here.
        await app.Services.GetRequiredService<IProxyCacheRepository>().RecordCrateFileAsync("crates-io", "smallvec", "0.6.13", 10, new string('a', 64), DateTimeOffset.UtcNow, CancellationToken.None);
        await WaitForIdleQueueAsync(app);

        var advisories = app.Services.GetRequiredService<AdvisoryService>();
        var file = new AdvisoryFile("crates/smallvec/RUSTSEC-2021-0003.md", AdvisoryEndpointTests.Smallvec);
        Assert.Empty((await advisories.SyncAsync([file], AdvisoryLimits.Default, CancellationToken.None)).Rejected);

        var email = await mail.WaitForSubjectAsync(olga, "RUSTSEC-2021-0003 affects smallvec 1.6.0");
        Assert.Contains("RUSTSEC-2021-0003 (CVE-2021-25900), a vulnerability (severity: critical), affects version 1.6.0 of smallvec", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Fixed in: >= 0.6.14, < 1.0.0, >= 1.6.1.", email.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PublicUrl}/crates/smallvec/1.6.0\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", email.Headers["List-Unsubscribe-Post"]);

        // Both findings reach the webhook, each once, with the documented payload.
        var delivered = (await receiver.WaitForAsync(2)).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data")).ToList();
        Assert.Equal(["private:1.6.0", "proxy:crates-io:0.6.13"],
            delivered.Select(d => $"{d.GetProperty("source").GetString()}:{d.GetProperty("version").GetString()}").Order(StringComparer.Ordinal));

        // A re-sync and the recompute after a publish announce nothing new; a newly published affected version does.
        Assert.Empty((await advisories.SyncAsync([file], AdvisoryLimits.Default, CancellationToken.None)).Rejected);
        await OkAsync(app.PublishAsync(CrateFileBuilder.Valid("smallvec", "1.5.0").PublishBody()));
        await mail.WaitForSubjectAsync(olga, "RUSTSEC-2021-0003 affects smallvec 1.5.0");
        await WaitForIdleQueueAsync(app);
        var subjects = (await mail.MessagesToAsync(olga)).Select(m => m.Subject ?? "").Where(s => s.StartsWith("RUSTSEC", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(["RUSTSEC-2021-0003 affects smallvec 1.5.0", "RUSTSEC-2021-0003 affects smallvec 1.6.0"], subjects);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.DoesNotContain(await mail.MessagesToAsync(mia), m => (m.Subject ?? "").StartsWith("RUSTSEC", StringComparison.Ordinal));

        // The topic can be turned off like the others.
        Assert.Contains("advisory.matched", await TopicsAsync(app.Client(olgaToken)));
        await OkAsync(app.Client(olgaToken).PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["advisory.matched"] = false } }));
        await OkAsync(app.PublishAsync(CrateFileBuilder.Valid("smallvec", "1.4.0").PublishBody()));
        await receiver.WaitForAsync(4);
        await WaitForIdleQueueAsync(app);
        Assert.DoesNotContain(await mail.MessagesToAsync(olga), m => m.Subject == "RUSTSEC-2021-0003 affects smallvec 1.4.0");
    }

    [Fact]
    public async Task Membership_changes_are_mailed_to_the_organizations_owners_and_the_member()
    {
        var mail = MailDev.Shared();
        await using var app = await TestApp.StartAsync(Settings(mail));
        var (olgaToken, olga) = await UserWithEmailAsync(app, "olga");
        var (miaToken, mia) = await UserWithEmailAsync(app, "mia");
        var (bobToken, bob) = await UserWithEmailAsync(app, "bob");
        await WaitForIdleQueueAsync(app);
        var owner = app.Client(olgaToken);
        await OkAsync(owner.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        await OkAsync(app.Client(bobToken).PostAsJsonAsync("/api/v1/orgs", new { name = "beta" }), HttpStatusCode.Created);

        var invitation = await Json.ReadAsync(await owner.PostAsJsonAsync("/api/v1/orgs/acme/invitations", new { user = "mia", role = "member" }));
        // The invitee hears of the invitation (user.invited) before answering it.
        var invited = await mail.WaitForSubjectAsync(mia, "You are invited to join acme");
        Assert.Contains("olga invited you (mia) to join the organization acme as member.", invited.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PublicUrl}/orgs\"", invited.HtmlBody, StringComparison.Ordinal);
        await OkAsync(app.Client(miaToken).PostAsync($"/api/v1/me/invitations/{invitation.GetProperty("id").GetInt64()}/accept", null));

        var joined = await mail.WaitForSubjectAsync(olga, "mia joined acme");
        Assert.Contains("mia joined the organization acme as member.", joined.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PublicUrl}/orgs/acme\"", joined.HtmlBody, StringComparison.Ordinal);
        await mail.WaitForSubjectAsync(mia, "mia joined acme");

        // mia opts out; the role change still reaches the owner.
        await OkAsync(app.Client(miaToken).PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["org.member_changed"] = false } }));
        await OkAsync(owner.PutAsJsonAsync("/api/v1/orgs/acme/members/mia", new { role = "admin" }));
        await mail.WaitForSubjectAsync(olga, "mia is now admin of acme");
        await WaitForIdleQueueAsync(app);
        Assert.DoesNotContain(await mail.MessagesToAsync(mia), m => m.Subject == "mia is now admin of acme");
        // Another organization's owner hears nothing about acme.
        Assert.DoesNotContain(await mail.MessagesToAsync(bob), m => (m.Subject ?? "").Contains("acme", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_upstream_outage_is_mailed_to_administrators_only_and_only_they_see_the_topic()
    {
        var mail = MailDev.Shared();
        await using var app = await TestApp.StartAsync(Settings(mail));
        var adminEmail = await AdminEmailAsync(app);
        var (olgaToken, olga) = await UserWithEmailAsync(app, "olga");
        var circuits = app.Services.GetRequiredService<IUpstreamCircuitLog>();

        // What a node's circuit breaker reports when it opens, and when its probe succeeds (ProxyCircuitBreakerTests
        // show the proxy doing so); a second node's report of the same outage changes nothing.
        Assert.True(await circuits.RecordAsync("crates-io", down: true, "upstream `crates-io` did not answer within 10 s", DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.False(await circuits.RecordAsync("crates-io", down: true, "HTTP 503", DateTimeOffset.UtcNow, CancellationToken.None));
        var down = await mail.WaitForSubjectAsync(adminEmail, "Proxy upstream crates-io is down");
        Assert.Contains("did not answer within 10 s", down.TextBody, StringComparison.Ordinal);
        Assert.True(await circuits.RecordAsync("crates-io", down: false, null, DateTimeOffset.UtcNow, CancellationToken.None));
        await mail.WaitForSubjectAsync(adminEmail, "Proxy upstream crates-io is back");
        await WaitForIdleQueueAsync(app);
        Assert.DoesNotContain(await mail.MessagesToAsync(olga), m => (m.Subject ?? "").Contains("upstream", StringComparison.Ordinal));

        // The topic is offered to administrators only, and a user cannot choose it.
        Assert.Contains("proxy.upstream_down", await TopicsAsync(app.Client(TestApp.AdminToken)));
        Assert.DoesNotContain("proxy.upstream_down", await TopicsAsync(app.Client(olgaToken)));
        var refused = await app.Client(olgaToken).PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["proxy.upstream_down"] = true } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        // An administrator who opts out gets nothing for the next outage.
        await OkAsync(app.Client(TestApp.AdminToken).PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["proxy.upstream_down"] = false } }));
        Assert.True(await circuits.RecordAsync("crates-io", down: true, "HTTP 500", DateTimeOffset.UtcNow, CancellationToken.None));
        await WaitForIdleQueueAsync(app);
        Assert.Equal(2, (await mail.MessagesToAsync(adminEmail)).Count(m => (m.Subject ?? "").StartsWith("Proxy upstream", StringComparison.Ordinal)));
    }
}
