using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Two real nodes in auth-required mode on one PostgreSQL: each remembers tokens and crate read decisions
/// (Core/Identity/AccessCache.cs), and a change made on node A (a token revoked, a user disabled, a team member
/// removed) is enforced by node B through the access epoch's NOTIFY, long before the 30 s backstop
/// (docs/configuration.md "Access decisions across nodes"). Each test writes how long that took to its output.
/// </summary>
public sealed class TwoNodeAccessTests(TwoNodeAccessTests.AuthRequiredNodes nodes) : IClassFixture<TwoNodeAccessTests.AuthRequiredNodes>
{
    // A deadline, not a timing claim: well under AccessCache.MaxAge (30 s), so an answer that changes before it came
    // through the change notification and not the backstop. How long it took is written to the test output; the
    // node's own latency is measured, not asserted (a loaded CI machine may stall any request past a second).
    private static readonly TimeSpan BeforeTheBackstop = TimeSpan.FromSeconds(10);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_revoked_on_A_is_refused_on_B_once_the_change_is_notified()
    {
        var (a, b) = nodes.Get();
        var name = await PublishAsync(a, "rev");
        var (_, token) = await a.CreateUserWithTokenAsync("rev", Cancel);
        await WarmAsync(b, name, token);

        var tokenId = (await Api(a, token).GetFromJsonAsync<JsonElement>("api/v1/me", Cancel)).GetProperty("auth").GetProperty("token_id").GetInt64();
        Assert.True((await Api(a, token).DeleteAsync($"api/v1/me/tokens/{tokenId}", Cancel)).IsSuccessStatusCode);
        await UntilAnsweredAsync(b, name, token, HttpStatusCode.Unauthorized, "the revoked token");
    }

    [Fact]
    public async Task A_user_disabled_on_A_is_refused_on_B_once_the_change_is_notified()
    {
        var (a, b) = nodes.Get();
        var name = await PublishAsync(a, "dis");
        var (user, token) = await a.CreateUserWithTokenAsync("dis", Cancel);
        await WarmAsync(b, name, token);

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"api/v1/admin/users/{user}") { Content = JsonContent.Create(new { disabled = true }) };
        using var disabled = await Api(a, nodes.AdminToken).SendAsync(patch, Cancel);
        Assert.True(disabled.IsSuccessStatusCode, await disabled.Content.ReadAsStringAsync(Cancel));
        await UntilAnsweredAsync(b, name, token, HttpStatusCode.Unauthorized, "the disabled user's token");
    }

    [Fact]
    public async Task A_team_member_removed_on_A_no_longer_reads_the_restricted_crate_on_B_once_the_change_is_notified()
    {
        var (a, b) = nodes.Get();
        var name = await PublishAsync(a, "team");
        var (member, token) = await a.CreateUserWithTokenAsync("mem", Cancel);
        var org = $"org{Ids.New()}";
        var admin = Api(a, nodes.AdminToken);
        await OkAsync(admin.PostAsJsonAsync("api/v1/orgs", new { name = org }, Cancel));
        await OkAsync(admin.PostAsJsonAsync($"api/v1/orgs/{org}/teams", new { name = "core" }, Cancel));
        using var invitation = await admin.PostAsJsonAsync($"api/v1/orgs/{org}/invitations", new { user = member, role = "contributor" }, Cancel);
        var invitationBody = await invitation.Content.ReadAsStringAsync(Cancel);
        Assert.True(invitation.IsSuccessStatusCode, invitationBody);
        var invitationId = JsonDocument.Parse(invitationBody).RootElement.GetProperty("id").GetInt64();
        await OkAsync(Api(a, token).PostAsync($"api/v1/me/invitations/{invitationId}/accept", null, Cancel));
        await OkAsync(admin.PutAsync($"api/v1/orgs/{org}/teams/core/members/{member}", null, Cancel));
        await OkAsync(admin.PutAsJsonAsync($"api/v1/crates/{name}/owners", new { users = new[] { $"org:{org}:core" } }, Cancel));
        await OkAsync(admin.PutAsJsonAsync($"api/v1/crates/{name}/access", new { restricted = true }, Cancel));
        await WarmAsync(b, name, token);

        await OkAsync(admin.DeleteAsync($"api/v1/orgs/{org}/teams/core/members/{member}", Cancel));
        await UntilAnsweredAsync(b, name, token, HttpStatusCode.NotFound, "the removed member");
    }

    private async Task<string> PublishAsync(GhostCrateServer node, string prefix)
    {
        var name = $"{prefix}-{Ids.New()}";
        var answer = await node.Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), nodes.AdminToken, Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return name;
    }

    /// <summary>Reads until B answers 200 twice in a row (the token and the read decision are then remembered).</summary>
    private static async Task WarmAsync(GhostCrateServer node, string name, string token)
    {
        for (var i = 0; i < 3; i++)
        {
            var answer = await node.Http.GetIndexFileAsync(name, token, cancellationToken: Cancel);
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        }
    }

    private static async Task UntilAnsweredAsync(GhostCrateServer node, string name, string token, HttpStatusCode expected, string who)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await node.Http.GetIndexFileAsync(name, token, cancellationToken: Cancel);
            if (answer.Status == expected)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{node.BaseUrl} refused {who} {clock.Elapsed.TotalMilliseconds:F0} ms after the change returned");
                return;
            }
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
            Assert.True(clock.Elapsed < BeforeTheBackstop, $"{node.BaseUrl} still served {name} to {who} after {clock.Elapsed}: the change notification did not reach it");
        }
    }

    private static HttpClient Api(GhostCrateServer node, string token)
    {
        var http = new HttpClient { BaseAddress = node.BaseUrl };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        return http;
    }

    private static async Task OkAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
    }

    /// <summary>The two nodes of <see cref="TwoNodeIndexTests.Nodes"/> with Registry:AuthRequired=true.</summary>
    public sealed class AuthRequiredNodes : TwoNodeIndexTests.Nodes
    {
        protected override IReadOnlyDictionary<string, string> Extra { get; } = new Dictionary<string, string> { ["GHOSTCRATE_Registry__AuthRequired"] = "true" };
    }
}
