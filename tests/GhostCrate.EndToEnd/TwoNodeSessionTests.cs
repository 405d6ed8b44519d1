using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Two real nodes on one PostgreSQL and one bucket, each with its own data directory (no shared folder): the cookie
/// keys live in the database, so a browser signed in on one node is signed in on the other, its antiforgery token
/// works there too, and both still hold after a node restarts (docs/identity.md "Cookie keys").
/// </summary>
public sealed class TwoNodeSessionTests(TwoNodeIndexTests.Nodes nodes) : IClassFixture<TwoNodeIndexTests.Nodes>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_session_and_antiforgery_token_from_node_A_are_accepted_by_node_B_also_after_B_restarts()
    {
        var (a, b) = nodes.Get();
        var user = $"sess{Ids.New()}";
        var password = $"pw-{Guid.NewGuid():N}";
        using (var admin = new HttpClient { BaseAddress = a.BaseUrl })
        {
            using var call = new HttpRequestMessage(HttpMethod.Post, "api/v1/admin/users") { Content = JsonContent.Create(new { username = user, password }) };
            call.Headers.TryAddWithoutValidation("Authorization", a.AdminToken);
            Assert.Equal(HttpStatusCode.Created, (await admin.SendAsync(call, Cancel)).StatusCode);
        }

        // One cookie jar, as one browser behind a load balancer: cookies for 127.0.0.1 go to both nodes' ports.
        var jar = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false };
        using var onA = new HttpClient(handler, disposeHandler: false) { BaseAddress = a.BaseUrl };
        Assert.Equal(HttpStatusCode.OK, (await onA.PostAsync("login", JsonContent.Create(new { username = user, password }), Cancel)).StatusCode);
        var csrf = (await onA.GetFromJsonAsync<JsonElement>("api/v1/csrf", Cancel)).GetProperty("token").GetString()!;
        Assert.Contains(jar.GetAllCookies(), c => c.Name == "ghostcrate.session");

        await AssertSignedInAndCanWriteAsync(handler, b, user, csrf, "on-b");

        // B killed and started again on the same database: the keys come from the database, not from memory.
        await b.RestartAsync(Cancel);
        await AssertSignedInAndCanWriteAsync(handler, b, user, csrf, "on-b-restarted");
        Assert.False(Directory.Exists(Path.Combine(a.DataDir, "keys")) || Directory.Exists(Path.Combine(b.DataDir, "keys")),
            "with Identity:KeysPath unset no node writes a key folder");
    }

    private static async Task AssertSignedInAndCanWriteAsync(HttpClientHandler handler, GhostCrateServer node, string user, string csrf, string tokenName)
    {
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = node.BaseUrl };
        using var me = await http.GetAsync("api/v1/me", Cancel);
        var body = await me.Content.ReadAsStringAsync(Cancel);
        Assert.True(me.StatusCode == HttpStatusCode.OK, $"{node.BaseUrl}: {(int)me.StatusCode} {body}");
        Assert.Equal(user, JsonDocument.Parse(body).RootElement.GetProperty("user").GetProperty("login").GetString());

        using var create = new HttpRequestMessage(HttpMethod.Put, "api/v1/me/tokens") { Content = JsonContent.Create(new { name = tokenName }) };
        create.Headers.Add("X-CSRF-TOKEN", csrf);
        using var created = await http.SendAsync(create, Cancel);
        Assert.True(created.IsSuccessStatusCode, $"{node.BaseUrl}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(Cancel)}");
    }
}
