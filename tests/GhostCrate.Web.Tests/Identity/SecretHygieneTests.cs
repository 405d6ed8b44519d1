using System.Net;
using System.Net.Http.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Identity;

public class SecretHygieneTests
{
    [Fact]
    public async Task Passwords_and_tokens_never_reach_the_logs_or_the_audit_log()
    {
        var logs = new LogCapture();
        await using var app = await TestApp.StartAsync(new() { ["Logging:LogLevel:Default"] = "Trace" }, logs.Register);
        var admin = app.Client(TestApp.AdminToken);
        const string userPassword = "erin's very secret password";
        const string typedInNameField = "oops-my-password-9000";

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/admin/users", new { username = "erin", password = userPassword })).StatusCode);
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.LoginAsync("erin", "a wrong guess of hers")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.LoginAsync(typedInNameField, "whatever")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("erin", userPassword)).StatusCode);
        var created = await web.SendWithCsrfAsync(HttpMethod.Put, "/api/v1/me/tokens", new { api_token = new { name = "laptop" } });
        var secret = (await Json.ReadAsync(created)).GetProperty("api_token").GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("hygiene", "1.0.0").PublishBody(), secret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(secret + "x").GetAsync("/api/v1/me")).StatusCode);
        var changed = await web.SendWithCsrfAsync(HttpMethod.Put, "/api/v1/me/password", new { current_password = userPassword, new_password = "erin's next password" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var reset = await Json.ReadAsync(await admin.PostAsync("/api/v1/admin/users/erin/password", null));
        var generated = reset.GetProperty("password").GetString()!;

        var audit = await admin.GetStringAsync("/api/v1/admin/audit?limit=1000");
        Assert.Contains("token.created", audit);
        Assert.Contains("login.failed", audit);
        Assert.Contains("user.password_reset", audit);
        Assert.NotEmpty(logs.Lines);
        foreach (var secretValue in new[] { userPassword, "a wrong guess of hers", typedInNameField, secret, secret[4..], "erin's next password", generated, TestApp.AdminToken, "correct horse battery" })
        {
            Assert.DoesNotContain(secretValue, audit);
            Assert.DoesNotContain(secretValue, logs.All);
        }
    }
}
