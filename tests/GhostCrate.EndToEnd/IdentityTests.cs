using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>Issue 5 with the real cargo: scoped tokens name the missing scope, crate scopes, and organizations as owners.</summary>
public sealed class IdentityTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    private string[] Registry => ["--registry", CargoSandbox.Registry];

    [Fact]
    public async Task Publishing_with_a_token_limited_to_yank_fails_naming_the_missing_scope()
    {
        var token = await CreateTokenAsync(Server.AdminToken, new { name = "yank-only", endpoint_scopes = new[] { "yank" } });
        var crate = await Cargo.NewLibAsync($"yankonly-{Ids.New()}");

        var result = await NewSandbox(token).PublishAsync(crate, verify: false);

        OwnerTests.AssertRejectedWithDetail(result);
        Assert.Contains("`publish-new`", result.StdErr);
        Assert.DoesNotContain(token, Server.Log);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetIndexFileAsync(crate.Name, cancellationToken: Cancel)).Status);
    }

    [Fact]
    public async Task A_token_scoped_to_a_prefix_publishes_matching_crates_only()
    {
        var prefix = $"acme{Ids.New()}";
        var token = await CreateTokenAsync(Server.AdminToken, new { name = "acme", crate_scopes = new[] { prefix + "-*" } });
        var scoped = NewSandbox(token);

        await scoped.PublishOkAsync(await Cargo.NewLibAsync($"{prefix}-util"), verify: false);
        var other = await scoped.PublishAsync(await Cargo.NewLibAsync($"other{Ids.New()}"), verify: false);

        OwnerTests.AssertRejectedWithDetail(other);
        Assert.Contains(prefix + "-*", other.StdErr);
        Assert.Single(await Http.GetIndexEntriesAsync($"{prefix}-util", cancellationToken: Cancel));
        Assert.DoesNotContain(token, Server.Log);
        Assert.DoesNotContain(Server.AdminToken, Server.Log);
    }

    [Fact]
    public async Task Cargo_owner_add_org_lets_an_organization_member_yank()
    {
        var org = $"acme{Ids.New()}";
        var (member, memberToken) = await Server.CreateUserWithTokenAsync("member", Cancel);
        await SendOkAsync(HttpMethod.Post, "api/v1/orgs", Server.AdminToken, new { name = org });
        var invitation = await SendOkAsync(HttpMethod.Post, $"api/v1/orgs/{org}/invitations", Server.AdminToken, new { user = member, role = "member" });
        await SendOkAsync(HttpMethod.Post, $"api/v1/me/invitations/{invitation.GetProperty("id").GetInt64()}/accept", memberToken, null);

        var crate = await Cargo.NewLibAsync($"orgowned-{Ids.New()}");
        await Cargo.PublishOkAsync(crate, verify: false);
        var memberCargo = NewSandbox(memberToken);
        string[] yank = ["yank", .. Registry, "--version", "0.1.0", crate.Name];
        OwnerTests.AssertRejectedWithDetail(await memberCargo.RunAsync(Cargo.ProjectsDir, yank));

        await Cargo.RunOkAsync(Cargo.ProjectsDir, ["owner", .. Registry, "--add", $"org:{org}", crate.Name]);
        var list = await Cargo.RunOkAsync(Cargo.ProjectsDir, ["owner", .. Registry, "--list", crate.Name]);
        Assert.Contains($"org:{org}", list.StdOut);

        await memberCargo.RunOkAsync(Cargo.ProjectsDir, yank);
        Assert.True(Assert.Single(await Http.GetIndexEntriesAsync(crate.Name, cancellationToken: Cancel))["yanked"]!.GetValue<bool>());
        // A member may not change the owners (docs/permissions.md).
        OwnerTests.AssertRejectedWithDetail(await memberCargo.RunAsync(Cargo.ProjectsDir, ["owner", .. Registry, "--add", member, crate.Name]));
    }

    private async Task<string> CreateTokenAsync(string authToken, object apiToken) =>
        (await SendOkAsync(HttpMethod.Put, "api/v1/me/tokens", authToken, new { api_token = apiToken })).GetProperty("api_token").GetProperty("token").GetString()!;

    private async Task<JsonElement> SendOkAsync(HttpMethod method, string path, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        using var response = await Http.Raw.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
