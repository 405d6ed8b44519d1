using System.Net;
using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

using static GhostCrate.Web.Tests.Support.MailTestUsers;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// Email over STARTTLS to a real SMTP server (npm smtp-server) whose certificate the test made: delivered over TLS
/// when Email:TrustedCertificatesFile trusts its CA, refused with a clear certificate error (retried, then given up)
/// when nothing does, and never sent in plain text to a server that does not offer STARTTLS. The queue runs on a
/// clock the test moves (Jobs:Enabled=false), so no test waits for a backoff.
/// </summary>
public sealed class StartTlsEmailTests
{
    private const string PublicUrl = "https://crates.example.test";

    [Fact]
    public async Task With_its_CA_in_Email_TrustedCertificatesFile_mail_and_login_go_over_STARTTLS()
    {
        using var ca = TestCertificates.NewAuthority();
        using var serverCertificate = ca.IssueServer("127.0.0.1");
        await using var smtp = await SmtpTlsServer.StartAsync(serverCertificate);
        var caFile = ca.WritePemFile();
        try
        {
            var clock = new ManualClock(DateTimeOffset.UtcNow);
            await using var app = await StartAsync(smtp.Settings(PublicUrl, caFile), clock);
            var runner = app.Services.GetRequiredService<JobRunner>();
            var (_, email) = await UserWithEmailAsync(app, "tess");

            await RunJobsUntilAsync(runner, async () => (await smtp.MessagesToAsync(email)).Count > 0, "the email arrives over STARTTLS",
                () => clock.Advance(TimeSpan.FromMinutes(1)));
            var message = Assert.Single(await smtp.MessagesToAsync(email));
            Assert.True(message.GetProperty("secure").GetBoolean(), $"the message came over a plain connection: {message}");
            Assert.StartsWith("TLSv1.", message.GetProperty("tls").GetProperty("version").GetString(), StringComparison.Ordinal);
            Assert.Equal(SmtpTlsServer.User, message.GetProperty("user").GetString());
            Assert.Contains("Subject: A new API token \"ci\" was created", message.GetProperty("data").GetString(), StringComparison.Ordinal);
            // The login went inside TLS too, and nothing was ever sent in the clear.
            var received = await smtp.ReceivedAsync();
            Assert.Contains(received, e => e.GetProperty("kind").GetString() == "auth");
            Assert.All(received, e => Assert.True(e.GetProperty("secure").GetBoolean(), $"sent in plain text: {e}"));

            // /admin/config says which certificates the file holds, by fingerprint.
            using var session = new WebSession(app);
            Assert.Equal(HttpStatusCode.OK, (await session.LoginAsync("admin", "correct horse battery")).StatusCode);
            var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await session.Http.GetStringAsync("/admin/config"));
            Assert.Equal(caFile, page.QuerySelector("tr[data-key='Email:TrustedCertificatesFile'] td:last-child")!.TextContent.Trim());
            Assert.Contains(ca.Sha256, page.QuerySelector("tr[data-key='Email:TrustedCertificates'] td:last-child")!.TextContent, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task Without_a_trust_setting_the_certificate_is_refused_clearly_retried_and_given_up_with_nothing_sent()
    {
        using var ca = TestCertificates.NewAuthority();
        using var serverCertificate = ca.IssueServer("127.0.0.1");
        await using var smtp = await SmtpTlsServer.StartAsync(serverCertificate);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(smtp.Settings(PublicUrl, trustedCertificatesFile: null), clock);
        var runner = app.Services.GetRequiredService<JobRunner>();
        var admin = app.Client(TestApp.AdminToken);
        var (_, email) = await UserWithEmailAsync(app, "uma");

        await RunDueJobsAsync(runner);
        var failed = await EmailJobAsync(admin, "pending");
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        var error = failed.GetProperty("last_error").GetString()!;
        Assert.Contains($"the TLS certificate of 127.0.0.1:{smtp.Port} was refused", error, StringComparison.Ordinal);
        Assert.Contains("CN=GhostCrate Test CA", error, StringComparison.Ordinal);
        Assert.Contains("Email:TrustedCertificatesFile", error, StringComparison.Ordinal);

        // Retried on the queue's backoff like any failed email, then given up: dead, for an administrator.
        JsonElement dead = default;
        for (var round = 0; round < 20 && dead.ValueKind != JsonValueKind.Object; round++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await RunDueJobsAsync(runner);
            dead = await EmailJobAsync(admin, "dead", required: false);
        }
        Assert.Equal(JsonValueKind.Object, dead.ValueKind);
        var maxAttempts = dead.GetProperty("max_attempts").GetInt32();
        var lastError = dead.GetProperty("last_error").GetString()!;
        Assert.StartsWith($"gave up after {maxAttempts} of {maxAttempts} attempts: token.created email", lastError, StringComparison.Ordinal);
        Assert.Contains("was refused", lastError, StringComparison.Ordinal);
        // Neither the login nor the message ever reached the server.
        Assert.Empty(await smtp.ReceivedAsync());
        Assert.Empty(await smtp.MessagesToAsync(email));
    }

    [Fact]
    public async Task A_server_that_does_not_offer_STARTTLS_gets_neither_the_login_nor_the_message()
    {
        using var ca = TestCertificates.NewAuthority();
        using var serverCertificate = ca.IssueServer("127.0.0.1");
        await using var smtp = await SmtpTlsServer.StartAsync(serverCertificate, offerStartTls: false);
        var caFile = ca.WritePemFile();
        try
        {
            await using var app = await StartAsync(smtp.Settings(PublicUrl, caFile), new ManualClock(DateTimeOffset.UtcNow));
            var runner = app.Services.GetRequiredService<JobRunner>();
            var (_, email) = await UserWithEmailAsync(app, "vic");

            await RunDueJobsAsync(runner);
            var failed = await EmailJobAsync(app.Client(TestApp.AdminToken), "pending");
            Assert.Equal($"the SMTP server 127.0.0.1:{smtp.Port} does not offer STARTTLS, and Email:Tls=StartTls never sends in plain text",
                failed.GetProperty("last_error").GetString());
            Assert.Empty(await smtp.ReceivedAsync());

            // The server would have taken both in plain text: the refusal was the client's.
            using (var plain = new SmtpClient())
            {
                await plain.ConnectAsync(smtp.Host, smtp.Port, SecureSocketOptions.None, TestContext.Current.CancellationToken);
                await plain.AuthenticateAsync(SmtpTlsServer.User, smtp.Password, TestContext.Current.CancellationToken);
                using var probe = new MimeMessage([MailboxAddress.Parse("probe@example.test")], [MailboxAddress.Parse(email)], "plain probe", new TextPart("plain") { Text = "probe" });
                await plain.SendAsync(probe, TestContext.Current.CancellationToken);
                await plain.DisconnectAsync(quit: true, TestContext.Current.CancellationToken);
            }
            var probeMessage = Assert.Single(await smtp.MessagesToAsync(email));
            Assert.False(probeMessage.GetProperty("secure").GetBoolean());
            Assert.Contains("Subject: plain probe", probeMessage.GetProperty("data").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    /// <summary>A server whose queue the test runs (its JobRunner) on <paramref name="clock"/>: every retry falls due after a minute.</summary>
    private static Task<TestApp> StartAsync(Dictionary<string, string?> settings, ManualClock clock)
    {
        settings["Jobs:Enabled"] = "false";
        settings["Jobs:BaseBackoff"] = "00:01:00";
        settings["Jobs:MaxBackoff"] = "00:01:00";
        return TestApp.StartAsync(settings, services => services.AddSingleton<TimeProvider>(clock));
    }

    /// <summary>The one email.send job in <paramref name="state"/>; default when <paramref name="required"/> is false and there is none.</summary>
    private static async Task<JsonElement> EmailJobAsync(HttpClient admin, string state, bool required = true)
    {
        var jobs = await Json.ReadAsync(await admin.GetAsync($"/api/v1/admin/jobs?state={state}"));
        var list = jobs.GetProperty("jobs").EnumerateArray().Where(j => j.GetProperty("kind").GetString() == "email.send").ToList();
        if (!required && list.Count == 0) return default;
        return Assert.Single(list);
    }
}
