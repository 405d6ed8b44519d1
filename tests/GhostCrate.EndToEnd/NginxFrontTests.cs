using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// deploy/nginx/ghostcrate.conf in front of GhostCrate, set up as docs/deploy.md says (PublicUrl = the https address,
/// nginx in ReverseProxy:KnownProxies, SecureCookies): the real cargo publishes and builds over https, nginx's own
/// refusals (413, 429) come in Cargo's format, and GhostCrate sees the client's address, not nginx's.
/// </summary>
public sealed class NginxFrontTests
{
    private static readonly string AdminPassword = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cargo_publishes_and_builds_over_https_through_nginx_and_its_limits_answer_in_cargos_format()
    {
        // The front does not depend on the storage backends: one lane proves it.
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("the nginx front is independent of the storage backends; it runs in the sqlite lane");
        if (NginxFront.Executable() is null) Assert.Skip("nginx is not installed (scripts/test.sh installs Debian's nginx)");

        await using var front = NginxFront.Prepare();
        await using var server = await GhostCrateServer.StartAsync(new ServerOptions
        {
            PublicUrlTemplate = front.BaseUrl.ToString().TrimEnd('/'),
            Settings = new Dictionary<string, string>
            {
                ["GHOSTCRATE_ReverseProxy__KnownProxies__0"] = NginxFront.ProxyAddress,
                ["GHOSTCRATE_Identity__SecureCookies"] = "true",
                ["GHOSTCRATE_ADMIN_PASSWORD"] = AdminPassword,
                // GhostCrate's own sign-in limit out of the way: a 429 below can only be nginx's.
                ["GHOSTCRATE_RateLimits__LoginPerAddress__Permits"] = "1000",
                ["GHOSTCRATE_RateLimits__LoginPerUser__Permits"] = "1000",
            },
        }, Cancel);
        try
        {
            await front.StartAsync(server.Port, Cancel);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(front.Describe(), e);
        }
        using var https = front.Client();

        // cargo over https (HTTP/2 where curl offers it), trusting the self-signed certificate through CARGO_HTTP_CAINFO.
        using var cargo = new CargoSandbox(server, server.AdminToken);
        cargo.ExtraEnvironment["CARGO_REGISTRIES_GHOSTCRATE_INDEX"] = front.CargoIndexUrl;
        cargo.ExtraEnvironment["CARGO_HTTP_CAINFO"] = front.CertificateFile;
        var lib = await cargo.PublishAndBuildDependentAsync("tls");

        // HTTP/2 is on, and config.json sends cargo to the public https address whatever Host a request names.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "index/config.json") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact })
        {
            request.Headers.Host = "evil.example";
            using var config = await https.SendAsync(request, Cancel);
            Assert.Equal(HttpVersion.Version20, config.Version);
            var json = JsonNode.Parse(await config.Content.ReadAsStringAsync(Cancel))!;
            Assert.Equal($"https://127.0.0.1:{front.HttpsPort}/api/v1/crates", json["dl"]!.GetValue<string>());
        }

        // The audit log has the client's address (127.0.0.1), not nginx's (127.0.0.2), from X-Forwarded-For.
        using (var audit = new HttpRequestMessage(HttpMethod.Get, $"api/v1/admin/audit?target=crate:{lib.Name}@0.1.0"))
        {
            audit.Headers.TryAddWithoutValidation("Authorization", server.AdminToken);
            using var response = await https.SendAsync(audit, Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.IsSuccessStatusCode, body);
            var events = JsonNode.Parse(body)!["events"]!.AsArray();
            Assert.Equal("127.0.0.1", Assert.Single(events)!["address"]!.GetValue<string>());
        }

        // A publish body over nginx's limit: 413 in Cargo's format, before GhostCrate reads anything.
        using (var tooLarge = new HttpRequestMessage(HttpMethod.Put, "api/v1/crates/new") { Content = new ByteArrayContent(new byte[13 * 1024 * 1024]) })
        {
            tooLarge.Headers.ExpectContinue = true;
            tooLarge.Headers.TryAddWithoutValidation("Authorization", server.AdminToken);
            tooLarge.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await https.SendAsync(tooLarge, Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("larger than this registry accepts", Assert.Single(HttpAnswer.ParseErrorDetails(body)));
        }

        // Rustdoc archives over nginx's 1 MiB default reach GhostCrate (docs/rustdoc.md's upload through the front).
        var bigDocs = DocsArchiveBuilder.Rustdoc(lib.Name)
            .File("doc/static.files/big.js", "var big = '" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(2_400_000)) + "';")
            .TarGz();
        Assert.True(bigDocs.Length > 2 * 1024 * 1024, $"the archive is only {bigDocs.Length} bytes");
        using (var docs = new HttpRequestMessage(HttpMethod.Put, $"api/v1/docs/{lib.Name}/0.1.0") { Content = new ByteArrayContent(bigDocs) })
        {
            docs.Headers.TryAddWithoutValidation("Authorization", server.AdminToken);
            using var response = await https.SendAsync(docs, Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{front.Describe()}");
        }

        // A Cargo.lock for cache warming may be up to 4 MiB: nginx lets 2 MiB through, GhostCrate answers (no proxy here).
        using (var warm = new HttpRequestMessage(HttpMethod.Post, "api/v1/admin/proxy/crates-io/warm") { Content = new ByteArrayContent(new byte[2 * 1024 * 1024]) })
        {
            warm.Headers.TryAddWithoutValidation("Authorization", server.AdminToken);
            warm.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await https.SendAsync(warm, Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // A browser signs in with the form through nginx: antiforgery cookie and field from GET /login, the session
        // cookie from POST /login, both Secure; the session then works (Identity:SecureCookies=true behind TLS).
        await SignInWithTheFormAsync(front);

        // The sign-in page works behind TLS with Secure cookies, and also when a request reaches GhostCrate as plain
        // http without a trusted X-Forwarded-Proto (it used to answer 500 with SecureCookies=true).
        using (var login = await https.GetAsync("login", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.All(login.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        }
        using (var direct = await server.Http.Raw.GetAsync("login", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        }
        using (var csrf = await server.Http.Raw.GetAsync("api/v1/csrf", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, csrf.StatusCode);
        }

        // Password guessing through nginx meets its sign-in limit (10 a minute after a burst of 5): 429 in Cargo's format.
        HttpResponseMessage? limited = null;
        for (var attempt = 0; attempt < 30 && limited is null; attempt++)
        {
            var response = await https.PostAsJsonAsync("login", new { username = "admin", password = "guess " + attempt }, Cancel);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                response.Dispose();
            }
        }
        Assert.NotNull(limited);
        using (limited)
        {
            Assert.Contains("too many requests", Assert.Single(HttpAnswer.ParseErrorDetails(await limited.Content.ReadAsStringAsync(Cancel))));
            Assert.Equal("60", limited.Headers.GetValues("Retry-After").Single());
        }
    }

    private static async Task SignInWithTheFormAsync(NginxFront front)
    {
        var jar = new CookieContainer();
        using var browser = front.Client(jar);
        using var page = await browser.GetAsync("login", Cancel);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var field = Regex.Match(html, "<input[^>]*name=\"(?<name>[^\"]*RequestVerificationToken[^\"]*)\"[^>]*value=\"(?<value>[^\"]+)\"");
        Assert.True(field.Success, "no antiforgery field on the sign-in page:\n" + html);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin",
            ["password"] = AdminPassword,
            ["returnUrl"] = "/me",
            [field.Groups["name"].Value] = WebUtility.HtmlDecode(field.Groups["value"].Value),
        });
        using var signIn = await browser.PostAsync("login", form, Cancel);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{(int)signIn.StatusCode} {signIn.Headers.Location} {await signIn.Content.ReadAsStringAsync(Cancel)}");
        Assert.Equal("/me", signIn.Headers.Location?.OriginalString);
        var cookies = jar.GetAllCookies();
        Assert.Contains(cookies, c => c.Name == "ghostcrate.session");
        Assert.All(cookies, c => Assert.True(c.Secure, $"cookie {c.Name} is not Secure"));

        using var me = await browser.GetAsync("api/v1/me", Cancel);
        var body = await me.Content.ReadAsStringAsync(Cancel);
        Assert.True(me.StatusCode == HttpStatusCode.OK, $"{(int)me.StatusCode} {body}");
        Assert.Equal("admin", JsonNode.Parse(body)!["user"]!["login"]!.GetValue<string>());
    }
}
