using System.Net;
using System.Net.Http.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Identity;

public class SessionTests
{
    private const string AdminPassword = "correct horse battery";

    [Fact]
    public async Task Json_login_sets_an_http_only_same_site_cookie_and_me_answers()
    {
        await using var app = await TestApp.StartAsync();
        using var web = new WebSession(app);

        var login = await web.LoginAsync("admin", AdminPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ghostcrate.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);

        var me = await Json.ReadAsync(await web.Http.GetAsync("/api/v1/me"));
        Assert.Equal("admin", me.GetProperty("user").GetProperty("login").GetString());
        Assert.Equal("session", me.GetProperty("auth").GetProperty("via").GetString());
    }

    [Fact]
    public async Task Wrong_passwords_and_unknown_users_get_the_same_answer()
    {
        await using var app = await TestApp.StartAsync();
        using var web = new WebSession(app);
        var wrong = await web.LoginAsync("admin", "not the password");
        var unknown = await web.LoginAsync("nobody", "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal((await Json.ReadAsync(wrong)).GetProperty("detail").GetString(), (await Json.ReadAsync(unknown)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.Http.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Form_login_needs_the_antiforgery_field_and_redirects_only_to_local_paths()
    {
        await using var app = await TestApp.StartAsync();
        using var web = new WebSession(app);

        var forged = await web.Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = AdminPassword }));
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.StartsWith("/login?error=expired", forged.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.Http.GetAsync("/api/v1/me")).StatusCode);

        var (token, field) = await web.CsrfAsync();
        var bad = await web.Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = "wrong password", ["returnUrl"] = "/crates", [field] = token }));
        Assert.Equal("/login?error=invalid&returnUrl=%2Fcrates", bad.Headers.Location!.OriginalString);

        var offsite = await web.Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = AdminPassword, ["returnUrl"] = "//evil.example/x", [field] = token }));
        Assert.Equal(HttpStatusCode.Redirect, offsite.StatusCode);
        Assert.Equal("/", offsite.Headers.Location!.OriginalString);

        // Antiforgery tokens are bound to the signed-in user, so the page after sign-in carries a new one.
        (token, field) = await web.CsrfAsync();
        var ok = await web.Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = AdminPassword, ["returnUrl"] = "/crates/x?tab=1", [field] = token }));
        Assert.Equal("/crates/x?tab=1", ok.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await web.Http.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Cookie_writes_need_the_csrf_header_and_logout_ends_the_session()
    {
        await using var app = await TestApp.StartAsync();
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", AdminPassword)).StatusCode);

        var forged = await web.Http.PutAsJsonAsync("/api/v1/me/tokens", new { api_token = new { name = "forged" } });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("X-CSRF-TOKEN", (await Json.ReadAsync(forged)).GetProperty("detail").GetString());

        var created = await web.SendWithCsrfAsync(HttpMethod.Put, "/api/v1/me/tokens", new { api_token = new { name = "from-the-web" } });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await web.Http.PostAsync("/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await web.SendWithCsrfAsync(HttpMethod.Post, "/logout")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.Http.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_ends_other_sessions_but_keeps_this_one()
    {
        await using var app = await TestApp.StartAsync();
        using var first = new WebSession(app);
        using var second = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await first.LoginAsync("admin", AdminPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.LoginAsync("admin", AdminPassword)).StatusCode);

        var wrongCurrent = await first.SendWithCsrfAsync(HttpMethod.Put, "/api/v1/me/password", new { current_password = "nope nope nope", new_password = "a brand new password" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongCurrent.StatusCode);
        var changed = await first.SendWithCsrfAsync(HttpMethod.Put, "/api/v1/me/password", new { current_password = AdminPassword, new_password = "a brand new password" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Http.GetAsync("/api/v1/me")).StatusCode);
        using var third = new WebSession(app);
        Assert.Equal(HttpStatusCode.Unauthorized, (await third.LoginAsync("admin", AdminPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await third.LoginAsync("admin", "a brand new password")).StatusCode);
    }
}
