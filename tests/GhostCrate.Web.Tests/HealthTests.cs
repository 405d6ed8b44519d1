using System.Net;
using System.Text.Json;
using GhostCrate.Web.Health;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GhostCrate.Web.Tests;

/// <summary>/health/live, /health/ready, /health/startup and their old names, on a real server.</summary>
public class HealthTests
{
    [Fact]
    public async Task A_started_node_is_live_started_and_ready_and_says_which_checks_decided()
    {
        await using var app = await TestApp.StartAsync();
        using var http = app.Client();
        foreach (var path in new[] { "/health/live", "/health", "/health/startup", "/health/ready", "/ready" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.Equal("healthy", (await Json.ReadAsync(response)).GetProperty("status").GetString());
        }
        var ready = await Json.ReadAsync(await http.GetAsync("/health/ready"));
        var checks = Checks(ready);
        foreach (var name in new[] { "Startup", "Drain", "Database", "Crate storage" })
        {
            Assert.Equal("healthy", checks[name].GetProperty("status").GetString());
            Assert.True(checks[name].GetProperty("required").GetBoolean());
        }
        Assert.False(checks["Upstream registries (proxy)"].GetProperty("required").GetBoolean());
        // Names and states only: the anonymous answer says nothing of where the database or the blobs are.
        var text = ready.GetRawText();
        Assert.DoesNotContain(app.DataDir, text);
        Assert.DoesNotContain("Data Source", text);
    }

    [Fact]
    public async Task An_unreachable_sign_in_provider_makes_the_node_degraded_but_still_ready()
    {
        var closedPort = OidcTestProvider.FreePort();
        await using var app = await TestApp.StartAsync(new()
        {
            ["Identity:Sso:corp:Type"] = "Oidc",
            ["Identity:Sso:corp:Authority"] = $"http://127.0.0.1:{closedPort}",
            ["Identity:Sso:corp:ClientId"] = "ghostcrate",
            ["Identity:Sso:corp:ClientSecret"] = "not-a-real-secret",
            ["Identity:Sso:corp:RequireHttps"] = "false",
        });
        var response = await app.Client().GetAsync("/health/ready");
        var body = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        var sso = Checks(body)["Single sign-on providers"];
        Assert.Equal("degraded", sso.GetProperty("status").GetString());
        Assert.False(sso.GetProperty("required").GetBoolean());
        Assert.DoesNotContain(closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), body.GetRawText());
    }

    [Fact]
    public async Task Startup_and_readiness_answer_503_until_the_start_up_tasks_have_finished_while_liveness_answers_200()
    {
        var warmUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(overrideServices: services =>
            services.AddHostedService(sp => new StartupTask(sp.GetRequiredService<NodeLifecycle>(), warmUp.Task)));
        using var http = app.Client();

        var startup = await http.GetAsync("/health/startup");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, startup.StatusCode);
        var body = await Json.ReadAsync(startup);
        Assert.Equal("starting", body.GetProperty("status").GetString());
        Assert.Equal("unhealthy", Checks(body)["test warm-up"].GetProperty("status").GetString());
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("starting", (await Json.ReadAsync(ready)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        warmUp.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/startup")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
    }

    /// <summary>
    /// A PostgreSQL of the test's own (scripts/services/postgres.sh) is stopped under a running node: readiness
    /// answers 503 naming the database, liveness stays 200, and readiness recovers when the database is back.
    /// </summary>
    [Fact]
    public async Task With_the_database_stopped_readiness_is_503_and_liveness_200()
    {
        if (!Directory.Exists("/usr/lib/postgresql")) Assert.Skip("PostgreSQL is not installed (scripts/test.sh installs it from Debian)");
        await using var postgres = await ServiceScript.StartAsync("postgres");
        await using var app = await TestApp.StartAsync(new()
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = postgres.Environment["GHOSTCRATE_TEST_POSTGRES"],
            ["Database:AutoMigrate"] = "true",
        });
        using var http = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        await postgres.StopAsync();
        var down = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        var body = await Json.ReadAsync(down);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("unhealthy", Checks(body)["Database"].GetProperty("status").GetString());
        Assert.Equal("healthy", Checks(body)["Crate storage"].GetProperty("status").GetString());
        Assert.DoesNotContain("Password", body.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        await postgres.StartAgainAsync();
        // The pool's broken connections are dropped on first use: ask until the node is ready again.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        while ((status = (await http.GetAsync("/health/ready")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static Dictionary<string, JsonElement> Checks(JsonElement report) =>
        report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);

    /// <summary>A start-up task as a feature would register one (a warm-up), finishing when the test says.</summary>
    private sealed class StartupTask(NodeLifecycle lifecycle, Task work) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifecycle.TrackStartupTask("test warm-up", work);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
