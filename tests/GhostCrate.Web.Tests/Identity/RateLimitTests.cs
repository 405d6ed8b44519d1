using System.Net;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Identity;

public class RateLimitTests
{
    [Fact]
    public async Task Login_attempts_over_the_limit_get_429_with_retry_after()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["RateLimits:LoginPerUser:Permits"] = "3",
            ["RateLimits:LoginPerUser:WindowSeconds"] = "600",
        });
        using var web = new WebSession(app);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await web.LoginAsync("admin", "guess " + i)).StatusCode);

        var limited = await web.LoginAsync("admin", "correct horse battery");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // Another account is not affected by the guesses against admin.
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.LoginAsync("someone", "guess")).StatusCode);
    }

    [Fact]
    public async Task Publishes_over_the_per_token_limit_get_429_in_cargo_format()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["RateLimits:PublishPerToken:Permits"] = "2",
            ["RateLimits:PublishPerToken:WindowSeconds"] = "600",
        });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("rl-a", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("rl-b", "1.0.0").PublishBody())).StatusCode);
        var limited = await app.PublishAsync(CrateFileBuilder.Valid("rl-c", "1.0.0").PublishBody());
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("too many publishes", await Json.ErrorDetailAsync(limited));
        // Another token has its own budget.
        var other = await Users.CreateWithTokenAsync(app, "other");
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("rl-d", "1.0.0").PublishBody(), other)).StatusCode);
    }

    [Fact]
    public async Task Token_creation_over_the_limit_gets_429()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["RateLimits:TokenCreationPerCaller:Permits"] = "1",
            ["RateLimits:TokenCreationPerCaller:WindowSeconds"] = "600",
        });
        var admin = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/v1/me/tokens", System.Net.Http.Json.JsonContent.Create(new { name = "one" }))).StatusCode);
        var limited = await admin.PutAsync("/api/v1/me/tokens", System.Net.Http.Json.JsonContent.Create(new { name = "two" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
