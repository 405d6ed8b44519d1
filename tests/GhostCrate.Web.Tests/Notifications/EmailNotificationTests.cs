using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

using static GhostCrate.Web.Tests.Support.MailTestUsers;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// Emails delivered through a real SMTP server (maildev from npm) and read back as they arrived: who gets which
/// event, the text and HTML bodies, absolute links from Registry:PublicUrl, the RFC 8058 one-click unsubscribe that
/// really turns the topic off, token expiry warnings, retries while the SMTP server is down, and the dead letter of a
/// mail that failed every attempt.
/// </summary>
public sealed class EmailNotificationTests
{
    private const string PublicUrl = "https://crates.example.test";

    private static Dictionary<string, string?> Settings(MailDev mail, Dictionary<string, string?>? extra = null)
    {
        var settings = mail.Settings(PublicUrl);
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return settings;
    }

    private static MimeMessage Subject(IEnumerable<MimeMessage> messages, string subject) =>
        Assert.Single(messages, m => m.Subject == subject);

    [Fact]
    public async Task Owners_are_mailed_with_text_html_public_links_and_a_one_click_unsubscribe_that_works()
    {
        var mail = MailDev.Shared();
        await using var app = await TestApp.StartAsync(Settings(mail));
        var (olgaToken, olga) = await UserWithEmailAsync(app, "olga");
        var admin = app.Client(TestApp.AdminToken);

        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("mail-me", "1.0.0").PublishBody())).StatusCode);
        // Recipients are the owners when the event is fanned out: let 1.0.0's go out before olga becomes one.
        await WaitForIdleQueueAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/crates/mail-me/owners", new { users = new[] { "olga" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("mail-me", "1.1.0").PublishBody())).StatusCode);

        // token.created (her own token), owners.changed (she was added), crate.published (1.1.0; 1.0.0 was before her time).
        var messages = await mail.WaitForAsync(olga, 3);
        Subject(messages, "A new API token \"ci\" was created");
        Subject(messages, "olga is now an owner of mail-me");
        var published = Subject(messages, "mail-me 1.1.0 was published");

        Assert.Equal("registry@crates.example.test", published.From.Mailboxes.Single().Address);
        Assert.Equal((olga, "olga tester"), (published.To.Mailboxes.Single().Address, published.To.Mailboxes.Single().Name));
        Assert.EndsWith("@crates.example.test", published.MessageId, StringComparison.Ordinal);
        Assert.Equal("auto-generated", published.Headers["Auto-Submitted"]);
        Assert.Equal("List-Unsubscribe=One-Click", published.Headers["List-Unsubscribe-Post"]);
        var listUnsubscribe = (published.Headers["List-Unsubscribe"] ?? "").Replace("\r\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        Assert.Matches("^<https://crates\\.example\\.test/unsubscribe\\?token=[^>]+>$", listUnsubscribe);
        var unsubscribe = new Uri(listUnsubscribe.Trim('<', '>'));

        // Both bodies, links absolute under Registry:PublicUrl and never the address the server was reached on.
        Assert.Contains("admin published version 1.1.0 of mail-me.", published.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{PublicUrl}/crates/mail-me/1.1.0", published.TextBody, StringComparison.Ordinal);
        Assert.Contains(unsubscribe.AbsoluteUri, published.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PublicUrl}/crates/mail-me/1.1.0\"", published.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PublicUrl}/me/notifications\"", published.HtmlBody, StringComparison.Ordinal);
        Assert.All(messages, m => Assert.DoesNotContain("127.0.0.1", m.TextBody + m.HtmlBody, StringComparison.Ordinal));

        // The link works on this server: GET only asks (mail scanners follow GETs), the RFC 8058 POST unsubscribes,
        // without a session or an antiforgery token.
        using var anonymous = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = app.BaseAddress };
        var page = await anonymous.GetAsync(unsubscribe.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("olga", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var mine = app.Client(olgaToken);
        Assert.True(await TopicEnabledAsync(mine, "crate.published"));
        var oneClick = await anonymous.PostAsync(unsubscribe.PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.False(await TopicEnabledAsync(mine, "crate.published"));
        Assert.True(await TopicEnabledAsync(mine, "crate.yanked"));
        // A link that was altered does nothing.
        var forged = await anonymous.PostAsync(unsubscribe.PathAndQuery[..^4] + "AAAA", new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        // Unsubscribed from publishes, still subscribed to yanks.
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("mail-me", "1.2.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/v1/crates/mail-me/1.2.0/yank")).StatusCode);
        var after = await mail.WaitForAsync(olga, 4);
        Subject(after, "mail-me 1.2.0 was yanked");
        await WaitForIdleQueueAsync(app);
        var final = await mail.MessagesToAsync(olga);
        Assert.Equal(4, final.Count);
        Assert.DoesNotContain(final, m => m.Subject == "mail-me 1.2.0 was published");
    }

    private static async Task<bool> TopicEnabledAsync(HttpClient client, string topic)
    {
        var response = await client.GetAsync("/api/v1/me/notifications");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Json.ReadAsync(response)).GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("topic").GetString() == topic).GetProperty("enabled").GetBoolean();
    }

    [Fact]
    public async Task Choices_are_changed_through_the_api_and_bad_ones_are_refused()
    {
        var mail = MailDev.Shared();
        await using var app = await TestApp.StartAsync(Settings(mail));
        var (token, email) = await UserWithEmailAsync(app, "mia");
        var client = app.Client(token);

        var settings = await Json.ReadAsync(await client.GetAsync("/api/v1/me/notifications"));
        Assert.Equal(email, settings.GetProperty("email").GetString());
        Assert.All(settings.GetProperty("topics").EnumerateArray(), t => Assert.True(t.GetProperty("enabled").GetBoolean()));

        var bad = await client.PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["crate.exploded"] = false } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.True(await TopicEnabledAsync(client, "token.expiring"));

        var changed = await client.PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["token.expiring"] = false } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.False(await TopicEnabledAsync(client, "token.expiring"));
        Assert.True(await TopicEnabledAsync(client, "token.created"));

        var audit = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/audit?action=email.preferences_changed"));
        Assert.Contains("token.expiring", audit.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiring_tokens_are_mailed_to_their_owner_once_per_window()
    {
        var mail = MailDev.Shared();
        await using var app = await TestApp.StartAsync(Settings(mail));
        var (_, email) = await UserWithEmailAsync(app, "cole", DateTimeOffset.UtcNow.AddDays(3));
        var users = app.Services.GetRequiredService<UserService>();
        Assert.True((await users.CreateTokenAsync("cole", "deploy", DateTimeOffset.UtcNow.AddHours(20), TokenScopes.Unrestricted, CancellationToken.None)).IsSuccess);
        var sweep = app.Services.GetRequiredService<ITokenExpiryStore>();

        // What the hourly tokens.expiry job does: "ci" is inside the 7-day window, "deploy" inside the 1-day one.
        Assert.Equal(2, await sweep.WriteExpiringEventsAsync(DateTimeOffset.UtcNow, TokenExpiryHandler.WindowDays, TestContext.Current.CancellationToken));
        Assert.Equal(0, await sweep.WriteExpiringEventsAsync(DateTimeOffset.UtcNow, TokenExpiryHandler.WindowDays, TestContext.Current.CancellationToken));

        var messages = await mail.WaitForAsync(email, 4);
        Subject(messages, "A new API token \"ci\" was created");
        Subject(messages, "A new API token \"deploy\" was created");
        Assert.Contains("expires on", Subject(messages, "Your API token \"ci\" expires in 7 days").TextBody, StringComparison.Ordinal);
        Assert.Contains($"{PublicUrl}/me#tokens", Subject(messages, "Your API token \"deploy\" expires tomorrow").TextBody, StringComparison.Ordinal);
        await WaitForIdleQueueAsync(app);
        Assert.Equal(4, (await mail.MessagesToAsync(email)).Count);
    }

    [Fact]
    public async Task An_email_waits_while_the_smtp_server_is_down_and_arrives_once_it_is_back()
    {
        MailDev.Shared();
        await using var service = await ServiceScript.StartAsync("smtp");
        var mail = MailDev.Of(service);
        await using var app = await TestApp.StartAsync(Settings(mail, new()
        {
            // Eight attempts over about 18 s: enough to see retries, and to outlast the restart below.
            ["Jobs:BaseBackoff"] = "00:00:01",
            ["Jobs:MaxBackoff"] = "00:00:03",
        }));
        await service.StopAsync();

        var (_, email) = await UserWithEmailAsync(app, "dora");
        var admin = app.Client(TestApp.AdminToken);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement job;
        while (true)
        {
            var jobs = await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/jobs"));
            job = jobs.GetProperty("jobs").EnumerateArray().FirstOrDefault(j => j.GetProperty("kind").GetString() == "email.send");
            if (job.ValueKind == JsonValueKind.Object && job.GetProperty("attempts").GetInt32() >= 2) break;
            Assert.True(DateTime.UtcNow < deadline, "the email job did not fail and retry while the SMTP server was down");
            await Task.Delay(50);
        }
        Assert.False(string.IsNullOrEmpty(job.GetProperty("last_error").GetString()));

        await service.StartAgainAsync();
        var messages = await mail.WaitForAsync(email, 1);
        Assert.Equal("A new API token \"ci\" was created", Assert.Single(messages).Subject);
    }

    [Fact]
    public async Task An_email_that_fails_every_attempt_gives_up_and_waits_dead_for_an_administrator_who_can_send_it_again()
    {
        MailDev.Shared();
        await using var service = await ServiceScript.StartAsync("smtp");
        var mail = MailDev.Of(service);
        // The test runs the queue itself on a clock it moves: every retry falls due after one minute, and no test waits.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(Settings(mail, new()
        {
            ["Jobs:Enabled"] = "false",
            ["Jobs:BaseBackoff"] = "00:01:00",
            ["Jobs:MaxBackoff"] = "00:01:00",
        }), services => services.AddSingleton<TimeProvider>(clock));
        var runner = app.Services.GetRequiredService<JobRunner>();
        var admin = app.Client(TestApp.AdminToken);
        var metricsBefore = await app.Client().GetStringAsync("/metrics");
        await service.StopAsync();

        var (_, email) = await UserWithEmailAsync(app, "dora");
        JsonElement dead = default;
        for (var round = 0; round < 20 && dead.ValueKind != JsonValueKind.Object; round++)
        {
            await RunDueJobsAsync(runner);
            var jobs = await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/jobs?state=dead"));
            dead = jobs.GetProperty("jobs").EnumerateArray().FirstOrDefault(j => j.GetProperty("kind").GetString() == "email.send");
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        // Dead after its last attempt, saying what it was and why, as a webhook delivery that exhausted its schedule.
        Assert.Equal(JsonValueKind.Object, dead.ValueKind);
        var maxAttempts = dead.GetProperty("max_attempts").GetInt32();
        Assert.Equal(maxAttempts, dead.GetProperty("attempts").GetInt32());
        var lastError = dead.GetProperty("last_error").GetString()!;
        Assert.StartsWith($"gave up after {maxAttempts} of {maxAttempts} attempts: token.created email for event msg_", lastError, StringComparison.Ordinal);
        Assert.Contains("to user dora: ", lastError, StringComparison.Ordinal);
        Assert.DoesNotContain(email, lastError, StringComparison.Ordinal);
        var metricsAfter = await app.Client().GetStringAsync("/metrics");
        Assert.True(Deliveries(metricsAfter, "gave_up") >= Deliveries(metricsBefore, "gave_up") + 1, "the last attempt counts as gave_up");
        Assert.True(Deliveries(metricsAfter, "failed") >= Deliveries(metricsBefore, "failed") + maxAttempts - 1, "the attempts before it count as failed");

        // The administrators' page lists it among the dead jobs, with the reason and a "retry now" button.
        using (var session = new WebSession(app))
        {
            Assert.Equal(HttpStatusCode.OK, (await session.LoginAsync("admin", "correct horse battery")).StatusCode);
            var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await session.Http.GetStringAsync("/admin/jobs?state=dead"));
            var row = page.QuerySelector($"tr[data-job='{dead.GetProperty("id").GetInt64()}']");
            Assert.NotNull(row);
            Assert.Contains("gave up after", row!.TextContent, StringComparison.Ordinal);
            Assert.NotNull(row.QuerySelector("form button[type='submit']"));
        }

        // Nothing arrived; once the server is back, "retry now" sends it (once).
        await service.StartAgainAsync();
        Assert.Empty(await mail.MessagesToAsync(email));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/jobs/{dead.GetProperty("id").GetInt64()}/retry", null)).StatusCode);
        await RunJobsUntilAsync(runner, async () => (await mail.MessagesToAsync(email)).Count > 0, "the retried email arrives",
            () => clock.Advance(TimeSpan.FromMinutes(1)));
        Assert.Equal("A new API token \"ci\" was created", Assert.Single(await mail.MessagesToAsync(email)).Subject);
    }

    private static double Deliveries(string scrape, string result) =>
        PrometheusText.Parse(scrape).Single(f => f.Name == "ghostcrate_notification_deliveries_total").Samples
            .Single(s => s.Labels.GetValueOrDefault("channel") == "email" && s.Labels.GetValueOrDefault("result") == result).Value;
}
