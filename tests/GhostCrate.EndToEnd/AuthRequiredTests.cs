using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// A registry with GHOSTCRATE_Registry__AuthRequired=true (RFC 3139 / cargo's `auth-required`): nothing is readable
/// without a token. https://doc.rust-lang.org/cargo/reference/registry-authentication.html
/// </summary>
public sealed class AuthRequiredTests(AuthRequiredServerFixture fixture) : EndToEndTest(fixture), IClassFixture<AuthRequiredServerFixture>
{
    /// <summary>
    /// Cargo only sends tokens to an auth-required registry when a credential provider is configured explicitly
    /// ("authenticated registries require a credential-provider to be configured"), as a user must do too.
    /// </summary>
    protected override void ConfigureSandbox(CargoSandbox sandbox) =>
        sandbox.ExtraEnvironment["CARGO_REGISTRIES_GHOSTCRATE_CREDENTIAL_PROVIDER"] = "cargo:token";

    [Fact]
    public async Task Resolution_fails_without_a_token_and_works_with_one()
    {
        var dep = await Cargo.NewLibAsync($"private-{Ids.New()}");
        await Cargo.PublishOkAsync(dep);

        var anonymous = NewSandbox(token: null);
        var consumer = await anonymous.NewLibAsync($"consumer-{Ids.New()}",
            dependencies: $"{dep.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}");
        var denied = await anonymous.RunAsync(consumer.Directory, ["generate-lockfile"]);
        Assert.False(denied.Succeeded, $"resolution without a token must fail:\n{denied.Describe()}");
        Assert.Matches("(?i)401|authenticat|unauthorized|no token found", denied.StdErr);
        Assert.False(File.Exists(consumer.LockPath));

        // A token the registry does not know is refused too, and cargo says so.
        anonymous.Token = "gce2e-revoked-" + Ids.New();
        var refused = await anonymous.RunAsync(consumer.Directory, ["generate-lockfile"]);
        Assert.False(refused.Succeeded, $"resolution with an unknown token must fail:\n{refused.Describe()}");
        Assert.Matches("(?i)401|403|token rejected|unauthorized", refused.StdErr);
        Assert.False(File.Exists(consumer.LockPath));

        anonymous.Token = Server.AdminToken;
        await anonymous.RunOkAsync(consumer.Directory, ["generate-lockfile"]);
        Assert.Equal("0.1.0", CargoSandbox.LockedVersion(consumer, dep.Name));
        await anonymous.RunOkAsync(consumer.Directory, ["build"]);
    }

    /// <summary>A CI job's token with no endpoint scope (`"endpoint_scopes": []`): it builds, it never publishes.</summary>
    [Fact]
    public async Task A_read_only_ci_token_resolves_and_builds_but_cannot_publish()
    {
        var dep = await Cargo.NewLibAsync($"ci-dep-{Ids.New()}");
        await Cargo.PublishOkAsync(dep);
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/me/tokens")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { api_token = new { name = "ci", endpoint_scopes = Array.Empty<string>() } }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", Server.AdminToken);
        using var created = await Http.Raw.SendAsync(request, Cancel);
        var body = await created.Content.ReadAsStringAsync(Cancel);
        Assert.True(created.IsSuccessStatusCode, body);
        var ciToken = JsonNode.Parse(body)!["api_token"]!["token"]!.GetValue<string>();

        var ci = NewSandbox(ciToken);
        var consumer = await ci.NewLibAsync($"ci-consumer-{Ids.New()}", dependencies: $"{dep.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}");
        await ci.RunOkAsync(consumer.Directory, ["build"]);
        var publish = await ci.PublishAsync(consumer, verify: false);
        OwnerTests.AssertRejectedWithDetail(publish);
        Assert.Contains("publish-new", publish.StdErr);
        Assert.DoesNotContain(ciToken, Server.Log);
    }

    [Fact]
    public async Task Index_config_download_and_search_need_a_token()
    {
        var name = $"private-{Ids.New()}";
        var publish = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), Server.AdminToken, Cancel);
        Assert.True(publish.Status == HttpStatusCode.OK, publish.Describe());

        var config = await Http.GetAsync("index/config.json", cancellationToken: Cancel);
        AssertChallenge(config);

        var withToken = await Http.GetAsync("index/config.json", Server.AdminToken, cancellationToken: Cancel);
        Assert.True(withToken.Status == HttpStatusCode.OK, withToken.Describe());
        var json = JsonNode.Parse(withToken.Body)!;
        Assert.True(json["auth-required"]?.GetValue<bool>() == true, $"config.json must say auth-required:\n{withToken.Body}");
        Assert.False(string.IsNullOrEmpty(json["dl"]?.GetValue<string>()), withToken.Body);

        AssertChallenge(await Http.GetIndexFileAsync(name, cancellationToken: Cancel));
        AssertChallenge(await Http.SearchAsync(name, cancellationToken: Cancel));
        AssertChallenge(await Http.GetAsync($"api/v1/crates/{name}/1.0.0/download", cancellationToken: Cancel));
        var bogus = await Http.GetIndexFileAsync(name, "gce2e-bogus-" + Ids.New(), cancellationToken: Cancel);
        Assert.True(bogus.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, bogus.Describe());

        var index = await Http.GetIndexFileAsync(name, Server.AdminToken, cancellationToken: Cancel);
        Assert.True(index.Status == HttpStatusCode.OK, index.Describe());
        var (status, bytes) = await Http.DownloadAsync(name, "1.0.0", Server.AdminToken, Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Assert.Single(RegistryClient.ParseIndexLines(index.Body))["cksum"]!.GetValue<string>(), CrateFiles.Sha256(bytes));
    }

    private static void AssertChallenge(HttpAnswer answer)
    {
        Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"expected 401 without a token:\n{answer.Describe()}");
        var challenge = answer.Message.Headers.TryGetValues("WWW-Authenticate", out var values) ? string.Join(", ", values) : "";
        Assert.Matches("^Cargo login_url=\"?https?://", challenge);
    }
}
