using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.Core.Options;
using GhostCrate.Web.Auth.Sso;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>Single sign-on against the real oidc-provider started by scripts/services/oidc.sh.</summary>
public class SingleSignOnTests
{
    private sealed class Setup : IAsyncDisposable
    {
        public required TestApp App { get; init; }
        public required string Callback { get; init; }
        public required LogCapture Logs { get; init; }
        public required string Issuer { get; init; }

        public WebSession Browser() => new(App);

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private static async Task<Setup> StartAsync(Dictionary<string, string?>? extra = null, string? issuer = null)
    {
        OidcTestProvider.SkipUnlessAvailable();
        issuer ??= OidcTestProvider.Issuer;
        var port = OidcTestProvider.FreePort();
        var callback = $"http://127.0.0.1:{port}/login/corp/callback";
        var (clientId, secret) = await OidcTestProvider.RegisterClientAsync(callback, issuer);
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Logging:LogLevel:Default"] = "Information",
            ["Identity:Sso:corp:Type"] = "Oidc",
            ["Identity:Sso:corp:DisplayName"] = "Corp SSO",
            ["Identity:Sso:corp:Authority"] = issuer,
            ["Identity:Sso:corp:ClientId"] = clientId,
            ["Identity:Sso:corp:ClientSecret"] = secret,
            ["Identity:Sso:corp:RequireHttps"] = "false",
            ["Identity:Sso:corp:Scopes:0"] = "openid",
            ["Identity:Sso:corp:Scopes:1"] = "profile",
            ["Identity:Sso:corp:Scopes:2"] = "email",
            ["Identity:Sso:corp:Scopes:3"] = "groups",
            ["Identity:Sso:corp:AdminGroups:0"] = "ghostcrate-admins",
            ["Identity:Sso:corp:ReadOnlyGroups:0"] = "ghostcrate-readers",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var logs = new LogCapture();
        var app = await TestApp.StartAsync(settings, logs.Register);
        return new Setup { App = app, Callback = callback, Logs = logs, Issuer = issuer };
    }

    private static async Task<Uri> StartLoginAsync(Setup setup, WebSession browser, string login)
    {
        var start = await browser.Http.GetAsync("/login/corp?returnUrl=/after-login");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(setup.Issuer, start.Headers.Location!.ToString());
        var query = QueryHelpers.ParseQuery(start.Headers.Location!.Query);
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        return await OidcTestProvider.SignInAsync(browser.Http, start.Headers.Location!, login, setup.Callback);
    }

    [Fact]
    public async Task First_sign_in_creates_the_user_and_starts_a_session()
    {
        await using var setup = await StartAsync();
        using var browser = setup.Browser();
        var login = $"dev{Guid.NewGuid():N}"[..12];

        var callback = await StartLoginAsync(setup, browser, login);
        var done = await browser.Http.GetAsync(callback);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/after-login", done.Headers.Location!.OriginalString);

        var me = await Json.ReadAsync(await browser.Http.GetAsync("/api/v1/me"));
        var user = me.GetProperty("user");
        Assert.Equal(login, user.GetProperty("login").GetString());
        Assert.Equal($"{login}@example.test", user.GetProperty("email").GetString());
        Assert.False(user.GetProperty("admin").GetBoolean());
        Assert.False(user.GetProperty("has_password").GetBoolean());
        var audit = await setup.App.Client(TestApp.AdminToken).GetStringAsync($"/api/v1/admin/audit?target=user:{login}");
        Assert.Contains("sso.user_created", audit);
        Assert.Contains("login.succeeded", audit);

        // Signing in again finds the same user (linked by the provider's subject).
        using var again = setup.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await again.Http.GetAsync(await StartLoginAsync(setup, again, login))).StatusCode);
        var users = await Json.ReadAsync(await setup.App.Client(TestApp.AdminToken).GetAsync($"/api/v1/admin/users?q={login}"));
        Assert.Equal(1, users.GetProperty("meta").GetProperty("total").GetInt64());

        // The providers list for the login page's buttons.
        var providers = await Json.ReadAsync(await browser.Http.GetAsync("/api/v1/sso/providers"));
        Assert.Equal("Corp SSO", providers.GetProperty("providers")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_group_claim_makes_an_admin_and_another_a_read_only_user()
    {
        await using var setup = await StartAsync();
        using var boss = setup.Browser();
        var admin = $"admin{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Redirect, (await boss.Http.GetAsync(await StartLoginAsync(setup, boss, admin))).StatusCode);
        Assert.True((await Json.ReadAsync(await boss.Http.GetAsync("/api/v1/me"))).GetProperty("user").GetProperty("admin").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await boss.Http.GetAsync("/api/v1/admin/users")).StatusCode);

        using var reader = setup.Browser();
        var readerName = $"reader{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Redirect, (await reader.Http.GetAsync(await StartLoginAsync(setup, reader, readerName))).StatusCode);
        var me = (await Json.ReadAsync(await reader.Http.GetAsync("/api/v1/me"))).GetProperty("user");
        Assert.True(me.GetProperty("read_only").GetBoolean());
        Assert.False(me.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task A_provider_name_never_takes_over_an_existing_local_account()
    {
        await using var setup = await StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await setup.App.Client(TestApp.AdminToken).PostAsync("/api/v1/admin/users", System.Net.Http.Json.JsonContent.Create(new { username = "carol", password = "carol's local password" }))).StatusCode);
        using var browser = setup.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync(await StartLoginAsync(setup, browser, "carol"))).StatusCode);
        Assert.Equal("carol-2", (await Json.ReadAsync(await browser.Http.GetAsync("/api/v1/me"))).GetProperty("user").GetProperty("login").GetString());
    }

    [Fact]
    public async Task A_replayed_state_is_refused()
    {
        await using var setup = await StartAsync();
        using var browser = setup.Browser();
        var callback = await StartLoginAsync(setup, browser, "replayer");
        Assert.Equal("/after-login", (await browser.Http.GetAsync(callback)).Headers.Location!.OriginalString);

        // The same callback again, from the same browser (its state cookie is gone) and from a browser that kept it.
        var replay = await browser.Http.GetAsync(callback);
        Assert.Equal("/login?error=sso_state", replay.Headers.Location!.OriginalString);
        using var attacker = setup.Browser();
        var state = QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        attacker.Cookies.Add(setup.App.BaseAddress, new Cookie(Endpoints.SsoEndpoints.StateCookie, state, "/login"));
        var stolen = await attacker.Http.GetAsync(callback);
        Assert.Equal("/login?error=sso_state", stolen.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.Http.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_callback_from_another_browser_is_refused()
    {
        await using var setup = await StartAsync();
        using var victim = setup.Browser();
        using var attacker = setup.Browser();
        // The attacker's own code and state, sent to the victim (login CSRF): the victim's browser has no such state.
        var callback = await StartLoginAsync(setup, attacker, "attacker");
        var forced = await victim.Http.GetAsync(callback);
        Assert.Equal("/login?error=sso_state", forced.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await victim.Http.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Without_auto_creation_only_pre_created_accounts_sign_in()
    {
        await using var setup = await StartAsync(new() { ["Identity:Sso:corp:AutoCreateUsers"] = "false" });
        using var stranger = setup.Browser();
        var refused = await stranger.Http.GetAsync(await StartLoginAsync(setup, stranger, "walkin"));
        Assert.Equal("/login?error=sso_forbidden", refused.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Created, (await setup.App.Client(TestApp.AdminToken).PostAsync("/api/v1/admin/users", System.Net.Http.Json.JsonContent.Create(new { username = "invited" }))).StatusCode);
        using var invited = setup.Browser();
        Assert.Equal("/after-login", (await invited.Http.GetAsync(await StartLoginAsync(setup, invited, "invited"))).Headers.Location!.OriginalString);
        Assert.Equal("invited", (await Json.ReadAsync(await invited.Http.GetAsync("/api/v1/me"))).GetProperty("user").GetProperty("login").GetString());
    }

    /// <summary>
    /// The provider switches to a new signing key (and stops publishing the old one) while two nodes have the old keys
    /// cached: the first sign-in after the rotation works on each node, because the node downloads the keys again and
    /// waits for them before it retries the validation.
    /// </summary>
    [Fact]
    public async Task The_first_sign_in_after_the_provider_rotates_its_keys_works_on_every_node()
    {
        await using var provider = await OidcTestProvider.StartOwnAsync();
        var issuer = provider.Environment["GHOSTCRATE_TEST_OIDC_ISSUER"];
        await using var nodeA = await StartAsync(issuer: issuer);
        await using var nodeB = await StartAsync(issuer: issuer);
        foreach (var node in new[] { nodeA, nodeB })
        {
            // Each node signs someone in once, so it holds the provider's current keys.
            using var before = node.Browser();
            Assert.Equal("/after-login", (await before.Http.GetAsync(await StartLoginAsync(node, before, "before"))).Headers.Location!.OriginalString);
        }

        await OidcTestProvider.RotateKeysAsync(issuer);

        foreach (var node in new[] { nodeA, nodeB })
        {
            using var after = node.Browser();
            var login = $"after{Guid.NewGuid():N}"[..12];
            var done = await after.Http.GetAsync(await StartLoginAsync(node, after, login));
            Assert.Equal("/after-login", done.Headers.Location!.OriginalString);
            Assert.Equal(login, (await Json.ReadAsync(await after.Http.GetAsync("/api/v1/me"))).GetProperty("user").GetProperty("login").GetString());
            Assert.DoesNotContain("does not publish", node.Logs.All);
        }
    }

    /// <summary>
    /// A token signed with a key the node does not know while the provider is down: the refresh fails (bounded), and
    /// the keys the node had stay in use, so tokens signed with them still validate.
    /// </summary>
    [Fact]
    public async Task A_failed_key_download_keeps_the_keys_the_node_had()
    {
        await using var provider = await OidcTestProvider.StartOwnAsync();
        var issuer = provider.Environment["GHOSTCRATE_TEST_OIDC_ISSUER"];
        await using var setup = await StartAsync(issuer: issuer);
        const string otherCallback = "http://127.0.0.1:9/other/callback";
        var (otherId, otherSecret) = await OidcTestProvider.RegisterClientAsync(otherCallback, issuer);
        var flow = setup.App.Services.GetRequiredService<SsoFlow>();
        var theirs = setup.App.Services.GetRequiredService<SsoProviderCatalog>().Find("corp")! with { Key = "other", ClientId = otherId, ClientSecret = otherSecret };
        var nonce = Guid.NewGuid().ToString("N");
        var (oldKeyToken, _) = await GetIdTokenAsync(otherId, otherSecret, otherCallback, nonce, issuer);
        Assert.NotNull((await flow.ValidateAsync(theirs, oldKeyToken, nonce, default)).Identity);

        await OidcTestProvider.RotateKeysAsync(issuer);
        var (newKeyToken, _) = await GetIdTokenAsync(otherId, otherSecret, otherCallback, nonce, issuer);
        await provider.StopAsync();

        // IdentityModel reports a failed download as InvalidOperationException; the callback turns it into sso_failed.
        await Assert.ThrowsAsync<InvalidOperationException>(() => flow.ValidateAsync(theirs, newKeyToken, nonce, default));
        Assert.NotNull((await flow.ValidateAsync(theirs, oldKeyToken, nonce, default)).Identity);
    }

    /// <summary>Refused callbacks (provider said no, foreign state, replayed state, bad code) are failed sign-ins in the audit log.</summary>
    [Fact]
    public async Task Refused_callbacks_are_recorded_as_failed_sign_ins()
    {
        await using var setup = await StartAsync();
        var admin = setup.App.Client(TestApp.AdminToken);

        using var denied = setup.Browser();
        Assert.Equal("/login?error=sso_denied", (await denied.Http.GetAsync("/login/corp/callback?error=access_denied&state=x")).Headers.Location!.OriginalString);
        await AssertLatestFailureAsync(admin, "refused by the provider");

        using var victim = setup.Browser();
        using var attacker = setup.Browser();
        var callback = await StartLoginAsync(setup, attacker, "attacker2");
        Assert.Equal("/login?error=sso_state", (await victim.Http.GetAsync(callback)).Headers.Location!.OriginalString);
        await AssertLatestFailureAsync(admin, "state does not belong to this browser");

        // The attacker's own browser with a code the provider no longer accepts (its state is fresh, its code is not).
        using var replayer = setup.Browser();
        var first = await StartLoginAsync(setup, replayer, "replayer2");
        Assert.Equal("/after-login", (await replayer.Http.GetAsync(first)).Headers.Location!.OriginalString);
        using var second = setup.Browser();
        var fresh = await StartLoginAsync(setup, second, "replayer2");
        var code = QueryHelpers.ParseQuery(first.Query)["code"].ToString();
        var used = QueryHelpers.AddQueryString(setup.Callback, new Dictionary<string, string?> { ["code"] = code, ["state"] = QueryHelpers.ParseQuery(fresh.Query)["state"].ToString() });
        Assert.Equal("/login?error=sso_failed", (await second.Http.GetAsync(used)).Headers.Location!.OriginalString);
        await AssertLatestFailureAsync(admin, "the token endpoint answered 400");
        Assert.DoesNotContain(code, await admin.GetStringAsync("/api/v1/admin/audit?action=login.failed"));
    }

    /// <summary>Anyone can call the callback URL: refusals share the address's sign-in limit, so a flood cannot fill the audit log.</summary>
    [Fact]
    public async Task A_flood_of_refused_callbacks_gets_429_and_no_more_audit_rows()
    {
        await using var setup = await StartAsync(new() { ["RateLimits:LoginPerAddress:Permits"] = "3", ["RateLimits:LoginPerAddress:WindowSeconds"] = "600" });
        using var browser = setup.Browser();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) answers.Add((await browser.Http.GetAsync($"/login/corp/callback?code=c{i}&state=s{i}")).StatusCode);
        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        var events = (await Json.ReadAsync(await setup.App.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/audit?action=login.failed"))).GetProperty("events");
        Assert.Equal(3, events.GetArrayLength());
    }

    private static async Task AssertLatestFailureAsync(HttpClient admin, string reason)
    {
        var events = (await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/audit?action=login.failed&limit=1"))).GetProperty("events");
        Assert.Equal(1, events.GetArrayLength());
        var details = events[0].GetProperty("details");
        Assert.Equal("corp", details.GetProperty("provider").GetString());
        Assert.Equal(reason, details.GetProperty("reason").GetString());
    }

    /// <summary>
    /// Real id_tokens from the provider, obtained by the test acting as a second client, fed to GhostCrate's validator:
    /// a token for that client is refused for ours (audience), and tampered, expired and wrong-nonce tokens are refused.
    /// </summary>
    [Fact]
    public async Task Real_id_tokens_with_the_wrong_audience_tampered_expired_or_another_nonce_are_refused()
    {
        await using var setup = await StartAsync();
        const string otherCallback = "http://127.0.0.1:9/other/callback";
        var (otherId, otherSecret) = await OidcTestProvider.RegisterClientAsync(otherCallback);
        var nonce = Guid.NewGuid().ToString("N");
        var (idToken, _) = await GetIdTokenAsync(otherId, otherSecret, otherCallback, nonce);

        var metadata = setup.App.Services.GetRequiredService<OidcMetadata>();
        var flow = setup.App.Services.GetRequiredService<SsoFlow>();
        var ours = setup.App.Services.GetRequiredService<SsoProviderCatalog>().Find("corp")!;
        var theirs = ours with { Key = "other", ClientId = otherId, ClientSecret = otherSecret };

        Assert.NotNull((await flow.ValidateAsync(theirs, idToken, nonce, default)).Identity);
        var wrongAudience = await flow.ValidateAsync(ours, idToken, nonce, default);
        Assert.Null(wrongAudience.Identity);
        Assert.Contains("audience", wrongAudience.Error);

        Assert.Contains("nonce", (await flow.ValidateAsync(theirs, idToken, "another nonce", default)).Error);

        var parts = idToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("\"staff\"", "\"ghostcrate-admins\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        Assert.Contains("signature", (await flow.ValidateAsync(theirs, tampered, nonce, default)).Error);

        var later = new IdTokenValidator(new ManualClock(DateTimeOffset.UtcNow.AddHours(1)));
        var expired = await later.ValidateAsync(idToken, await metadata.GetAsync(theirs, default), otherId, nonce);
        Assert.Null(expired.Identity);
        Assert.Contains("expired", expired.Error);
        // Nothing of the tokens reached the log.
        Assert.DoesNotContain(parts[2], setup.Logs.All);
    }

    /// <summary>The authorization code flow done by the test itself (PKCE + nonce), returning the provider's tokens.</summary>
    private static async Task<(string IdToken, string AccessToken)> GetIdTokenAsync(string clientId, string secret, string redirectUri, string nonce, string? issuer = null)
    {
        issuer ??= OidcTestProvider.Issuer;
        var verifier = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var authorize = QueryHelpers.AddQueryString($"{issuer}/auth", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = "openid profile email groups",
            ["state"] = "s",
            ["nonce"] = nonce,
            ["code_challenge"] = Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
        });
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler);
        var callback = await OidcTestProvider.SignInAsync(browser, new Uri(authorize), "someone", redirectUri);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        using var token = new HttpRequestMessage(HttpMethod.Post, $"{issuer}/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri, ["code_verifier"] = verifier }),
        };
        token.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        using var response = await browser.SendAsync(token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var json = JsonDocument.Parse(text).RootElement;
        return (json.GetProperty("id_token").GetString()!, json.GetProperty("access_token").GetString()!);
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
