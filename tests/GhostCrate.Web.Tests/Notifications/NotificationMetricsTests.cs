using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// ghostcrate_notification_deliveries_total on /metrics: every channel × result series from the start, and the
/// attempts of a real webhook receiver (one 500, then 200) and of a real SMTP server (maildev) counted under their
/// channel and result; the scrape passes promtool. The instruments are process-wide, so counts are compared with the
/// scrape taken before this test's deliveries.
/// </summary>
public sealed class NotificationMetricsTests
{
    private static double Value(string scrape, string channel, string result) =>
        PrometheusText.Parse(scrape).Single(f => f.Name == "ghostcrate_notification_deliveries_total").Samples
            .Single(s => s.Labels.GetValueOrDefault("channel") == channel && s.Labels.GetValueOrDefault("result") == result).Value;

    [Fact]
    public async Task Webhook_and_email_deliveries_are_counted_by_channel_and_result_and_the_scrape_passes_promtool()
    {
        if (!Promtool.IsInstalled) Assert.Skip(Promtool.SkipReason);
        var mail = MailDev.Shared();
        var settings = mail.Settings("https://crates.example.test");
        settings["Webhooks:AllowedCidrs:0"] = "127.0.0.1/32";
        settings["Webhooks:RetrySchedule:0"] = "00:00:00";
        settings["Webhooks:RetrySchedule:1"] = "00:00:00";
        await using var app = await TestApp.StartAsync(settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        var metrics = app.Client();

        var before = await metrics.GetStringAsync("/metrics");
        foreach (var channel in new[] { "webhook", "slack", "teams", "email" })
            foreach (var result in new[] { "delivered", "failed", "gave_up" })
                Assert.True(Value(before, channel, result) >= 0);

        receiver.AnswerNext(500);
        var created = await app.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/webhooks", new { url = receiver.Url.ToString(), events = new[] { "crate.published" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var email = $"olga-{Guid.NewGuid():N}@example.test";
        var users = app.Services.GetRequiredService<UserService>();
        var olga = (await users.CreateUserAsync("olga", null, isAdmin: false, default)).Value!;
        await app.Services.GetRequiredService<IUserRepository>().SetProfileAsync(olga.Id, email, null, default);
        var token = (await users.CreateTokenAsync("olga", "ci", null, TokenScopes.Unrestricted, default)).Value!.Secret;
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("metric-me", "1.0.0").PublishBody(), token)).StatusCode);

        await receiver.WaitForAsync(2);
        await mail.WaitForAsync(email, 2); // token.created and crate.published
        string after = "";
        await Eventually.TrueAsync(async () =>
        {
            after = await metrics.GetStringAsync("/metrics");
            return Value(after, "webhook", "failed") >= Value(before, "webhook", "failed") + 1
                   && Value(after, "webhook", "delivered") >= Value(before, "webhook", "delivered") + 1
                   && Value(after, "email", "delivered") >= Value(before, "email", "delivered") + 2;
        }, "the deliveries are counted");

        var (exit, findings) = await Promtool.CheckMetricsAsync(after);
        Assert.True(exit == 0 && findings.Length == 0, $"promtool check metrics (exit {exit}):\n{findings}");
    }
}
