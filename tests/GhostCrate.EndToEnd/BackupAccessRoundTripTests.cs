using System.Net;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The restore drill for who may read and change a crate (issue 19): on an auth-required registry, a crate owned by an
/// organization and a crate restricted to a team keep their owners, their restriction and the team's membership
/// through `backup create` and `backup restore`, so the team member's cargo builds against the restored server and a
/// user without the grant still cannot see the restricted crate. Both lanes (SQLite + files, PostgreSQL + S3).
/// </summary>
public sealed class BackupAccessRoundTripTests(BackupAuthRequiredFixture fixture) : EndToEndTest(fixture), IClassFixture<BackupAuthRequiredFixture>
{
    /// <summary>Cargo sends tokens to an auth-required registry only with a credential provider configured.</summary>
    protected override void ConfigureSandbox(CargoSandbox sandbox) => UseTokenProvider(sandbox);

    private static void UseTokenProvider(CargoSandbox sandbox) =>
        sandbox.ExtraEnvironment["CARGO_REGISTRIES_GHOSTCRATE_CREDENTIAL_PROVIDER"] = "cargo:token";

    [Fact]
    public async Task An_organization_owned_crate_and_a_restricted_crate_with_a_team_grant_keep_owners_restriction_and_grants_after_a_restore()
    {
        var id = Ids.New();
        var org = $"bkorg{id}";
        var (member, memberToken) = await Server.CreateUserWithTokenAsync("bkmem", Cancel);
        var (outsider, outsiderToken) = await Server.CreateUserWithTokenAsync("bkout", Cancel);
        var admin = Server.AdminToken;
        await SendOkAsync(Server, HttpMethod.Post, "api/v1/orgs", admin, new { name = org });
        await SendOkAsync(Server, HttpMethod.Post, $"api/v1/orgs/{org}/teams", admin, new { name = "core" });
        var invitation = await SendOkAsync(Server, HttpMethod.Post, $"api/v1/orgs/{org}/invitations", admin, new { user = member, role = "member" });
        await SendOkAsync(Server, HttpMethod.Post, $"api/v1/me/invitations/{invitation.GetProperty("id").GetInt64()}/accept", memberToken, null);
        await SendOkAsync(Server, HttpMethod.Put, $"api/v1/orgs/{org}/teams/core/members/{member}", admin, null);

        var shared = await Cargo.NewLibAsync($"bk-org-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn shared() -> u32 { 7 }\n" });
        await Cargo.PublishOkAsync(shared);
        await SendOkAsync(Server, HttpMethod.Put, $"api/v1/crates/{shared.Name}/owners", admin, new { users = new[] { $"org:{org}" } });
        var secret = await Cargo.NewLibAsync($"bk-secret-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn secret() -> u32 { 42 }\n" });
        await Cargo.PublishOkAsync(secret);
        await SendOkAsync(Server, HttpMethod.Put, $"api/v1/crates/{secret.Name}/owners", admin, new { users = new[] { $"org:{org}:core" } });
        await SendOkAsync(Server, HttpMethod.Put, $"api/v1/crates/{secret.Name}/access", admin, new { restricted = true });
        // The restriction is in force before the backup, so what the restored server shows is carried, not a default.
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetIndexFileAsync(secret.Name, outsiderToken, cancellationToken: Cancel)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetIndexFileAsync(secret.Name, memberToken, cancellationToken: Cancel)).Status);

        var backups = Path.Combine(Server.Root, $"access-backups-{id}");
        var created = await Server.RunCliAsync(["backup", "create", "--to", backups, "--data-dir", Server.DataDir], cancellationToken: Cancel);
        Assert.True(created.Succeeded, created.Describe());
        var backup = created.StdOut.TrimEnd().Split('\n')[^1].Trim();
        Assert.Matches(@"[1-9][0-9]* organizations", created.StdOut);

        await using var restored = await GhostCrateServer.StartAsync(new ServerOptions
        {
            AuthRequired = true,
            BeforeStart = async target =>
            {
                var restore = await target.RunCliAsync(["backup", "restore", backup, "--data-dir", target.DataDir], cancellationToken: Cancel);
                Assert.True(restore.Succeeded, restore.Describe());
            },
        }, Cancel);

        // Owners: the organization, and the team, as they were.
        var sharedOwners = await SendOkAsync(restored, HttpMethod.Get, $"api/v1/crates/{shared.Name}/owners", restored.AdminToken, null);
        Assert.Contains($"org:{org}", Logins(sharedOwners));
        var secretOwners = await SendOkAsync(restored, HttpMethod.Get, $"api/v1/crates/{secret.Name}/owners", restored.AdminToken, null);
        Assert.Contains($"org:{org}:core", Logins(secretOwners));
        var access = await SendOkAsync(restored, HttpMethod.Get, $"api/v1/crates/{secret.Name}/access", restored.AdminToken, null);
        Assert.True(access.GetProperty("restricted").GetBoolean(), access.ToString());
        var team = await SendOkAsync(restored, HttpMethod.Get, $"api/v1/orgs/{org}/teams/core/members", restored.AdminToken, null);
        Assert.Contains(member, team.ToString(), StringComparison.Ordinal);

        // The grant holds: the member reads the restricted crate, the outsider does not even see it (404, not 403).
        Assert.Equal(HttpStatusCode.OK, (await restored.Http.GetIndexFileAsync(secret.Name, memberToken, cancellationToken: Cancel)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await restored.Http.GetIndexFileAsync(secret.Name, outsiderToken, cancellationToken: Cancel)).Status);
        var (download, _) = await restored.Http.DownloadAsync(secret.Name, "0.1.0", outsiderToken, cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.NotFound, download);

        // The member's cargo resolves and builds both crates from the restored server; the outsider's cannot resolve the secret one.
        using var memberCargo = new CargoSandbox(restored, memberToken);
        UseTokenProvider(memberCargo);
        var consumer = await memberCargo.NewLibAsync($"bk-acc-consumer-{id}",
            dependencies: $"{shared.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}\n{secret.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn total() -> u32 {{ {shared.RustName}::shared() + {secret.RustName}::secret() }}\n" });
        await memberCargo.RunOkAsync(consumer.Directory, ["build"]);
        Assert.Equal("0.1.0", CargoSandbox.LockedVersion(consumer, secret.Name));

        using var outsiderCargo = new CargoSandbox(restored, outsiderToken);
        UseTokenProvider(outsiderCargo);
        var denied = await outsiderCargo.NewLibAsync($"bk-acc-denied-{id}", dependencies: $"{secret.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}");
        var resolution = await outsiderCargo.RunAsync(denied.Directory, ["generate-lockfile"]);
        Assert.False(resolution.Succeeded, $"{outsider} resolved the restricted crate:\n{resolution.Describe()}");
        Assert.Contains(secret.Name, resolution.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(denied.LockPath));
    }

    private static IReadOnlyList<string> Logins(JsonElement owners) =>
        owners.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("login").GetString()!).ToList();

    private static async Task<JsonElement> SendOkAsync(GhostCrateServer server, HttpMethod method, string path, string token, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
        var answer = await server.Http.SendAsync(request, token, Cancel);
        Assert.True((int)answer.Status is >= 200 and < 300, $"{method} {path}: {answer.Describe()}");
        return JsonDocument.Parse(answer.Body).RootElement.Clone();
    }
}

/// <summary>A backup drill server with GHOSTCRATE_Registry__AuthRequired=true, where crate restrictions apply.</summary>
public sealed class BackupAuthRequiredFixture : ServerFixture
{
    protected override ServerOptions Options => new()
    {
        AuthRequired = true,
        Settings = new Dictionary<string, string> { ["GHOSTCRATE_RateLimits__Enabled"] = "false" },
    };
}
