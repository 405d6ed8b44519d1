using System.Net;
using System.Text.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>
/// Identity:SecureCookies=true is what docs recommend behind a TLS-terminating proxy. GhostCrate then often sees
/// plain http (the proxy's X-Forwarded-Proto not trusted, or not sent): sign-in must still work, with Secure cookies.
/// </summary>
public class SecureCookieTests
{
    private const string AdminPassword = "correct horse battery";

    [Fact]
    public async Task Secure_cookies_over_plain_http_still_serve_the_login_page_and_sign_in()
    {
        await using var app = await TestApp.StartAsync(new() { ["Identity:SecureCookies"] = "true" });
        // A browser behind the proxy keeps Secure cookies (it talks https); this client sends them back by hand.
        using var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress };

        using var page = await http.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.All(SetCookies(page), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        using var csrf = await http.GetAsync("/api/v1/csrf");
        Assert.Equal(HttpStatusCode.OK, csrf.StatusCode);
        var antiforgeryCookie = Assert.Single(SetCookies(csrf), c => c.StartsWith("ghostcrate.antiforgery=", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgeryCookie, StringComparison.OrdinalIgnoreCase);
        var json = JsonDocument.Parse(await csrf.Content.ReadAsStringAsync()).RootElement;

        using var login = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = "admin", ["password"] = AdminPassword, ["returnUrl"] = "/me",
                [json.GetProperty("form_field_name").GetString()!] = json.GetProperty("token").GetString()!,
            }),
        };
        login.Headers.Add("Cookie", antiforgeryCookie.Split(';')[0]);
        using var signedIn = await http.SendAsync(login);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/me", signedIn.Headers.Location!.OriginalString);
        var session = Assert.Single(SetCookies(signedIn), c => c.StartsWith("ghostcrate.session=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);

        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Add("Cookie", session.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(me)).StatusCode);
    }

    [Fact]
    public async Task Without_the_setting_cookies_over_plain_http_are_not_secure()
    {
        await using var app = await TestApp.StartAsync();
        using var handler = new HttpClientHandler { UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress };

        using var csrf = await http.GetAsync("/api/v1/csrf");
        Assert.Equal(HttpStatusCode.OK, csrf.StatusCode);
        var cookie = Assert.Single(SetCookies(csrf), c => c.StartsWith("ghostcrate.antiforgery=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];
}
