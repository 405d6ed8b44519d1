using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// The real OpenID Provider started by scripts/services/oidc.sh (GHOSTCRATE_TEST_OIDC_ISSUER): client registration
/// and a browser that signs in on its development login form (any name; group claims depend on the name, see
/// scripts/services/oidc/provider.mjs).
/// </summary>
public static partial class OidcTestProvider
{
    public static string Issuer =>
        Environment.GetEnvironmentVariable("GHOSTCRATE_TEST_OIDC_ISSUER") is { Length: > 0 } issuer
            ? issuer
            : throw new InvalidOperationException("GHOSTCRATE_TEST_OIDC_ISSUER is not set: run the tests through scripts/test.sh, which starts the OpenID provider (scripts/services/oidc.sh)");

    public static void SkipUnlessAvailable()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GHOSTCRATE_TEST_OIDC_ISSUER")))
            Assert.Skip("GHOSTCRATE_TEST_OIDC_ISSUER is not set: run through scripts/test.sh, which starts oidc-provider (scripts/services/oidc.sh)");
    }

    /// <summary>Dynamic Client Registration (https://openid.net/specs/openid-connect-registration-1_0.html).</summary>
    public static async Task<(string ClientId, string ClientSecret)> RegisterClientAsync(string redirectUri, string? issuer = null)
    {
        using var http = new HttpClient();
        var response = await http.PostAsJsonAsync($"{issuer ?? Issuer}/reg", new { redirect_uris = new[] { redirectUri }, response_types = new[] { "code" }, grant_types = new[] { "authorization_code" } });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"client registration failed: {text}");
        var json = JsonDocument.Parse(text).RootElement;
        return (json.GetProperty("client_id").GetString()!, json.GetProperty("client_secret").GetString()!);
    }

    /// <summary>
    /// A provider of the test's own (scripts/services/oidc.sh in a temporary directory), for tests that change it:
    /// rotating the keys of the shared one would break other tests' sign-ins in flight.
    /// </summary>
    public static async Task<ServiceScript> StartOwnAsync()
    {
        SkipUnlessAvailable();
        return await ServiceScript.StartAsync("oidc");
    }

    /// <summary>The provider signs with a new key from now on and publishes only that one (provider.mjs).</summary>
    public static async Task<string> RotateKeysAsync(string issuer)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{issuer}/test/rotate-keys", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"key rotation failed: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("kid").GetString()!;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Follows redirects from <paramref name="start"/>, signs in as <paramref name="login"/> on the provider's form, and
    /// stops at the first redirect whose URL starts with <paramref name="stopAt"/> (the client's callback), returned
    /// unvisited.
    /// </summary>
    public static async Task<Uri> SignInAsync(HttpClient browser, Uri start, string login, string stopAt)
    {
        var url = start;
        for (var hop = 0; hop < 20; hop++)
        {
            if (url.ToString().StartsWith(stopAt, StringComparison.Ordinal)) return url;
            using var response = await browser.GetAsync(url);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                url = new Uri(url, response.Headers.Location!);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {html}");
            var action = FormAction().Match(html);
            Assert.True(action.Success, $"no login form at {url}: {html}");
            using var post = await browser.PostAsync(new Uri(url, WebUtility.HtmlDecode(action.Groups[1].Value)), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["prompt"] = "login",
                ["login"] = login,
                ["password"] = "any password",
            }));
            Assert.True((int)post.StatusCode is >= 300 and < 400, $"login form post answered {(int)post.StatusCode}: {await post.Content.ReadAsStringAsync()}");
            url = new Uri(url, post.Headers.Location!);
        }
        throw new InvalidOperationException($"too many redirects starting at {start}");
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();
}
