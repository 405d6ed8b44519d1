using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>cargo search, cargo info, cargo login, and publishing with a bad token.</summary>
public sealed class SearchAndLoginTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Cargo_search_and_cargo_info_find_a_published_crate()
    {
        var id = Ids.New();
        var crate = await Cargo.NewLibAsync($"findme-{id}", version: "0.3.0");
        await Cargo.PublishOkAsync(crate, verify: false);
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync($"findme-{id}", version: "0.4.0"), verify: false);
        // A crate that must not match.
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync($"other-{Ids.New()}"), verify: false);

        var search = await Cargo.RunOkAsync(Cargo.ProjectsDir, ["search", crate.Name, "--registry", CargoSandbox.Registry, "--limit", "10"]);
        var hits = search.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("...", StringComparison.Ordinal) && !l.StartsWith("note:", StringComparison.Ordinal))
            .ToList();
        var hit = Assert.Single(hits);
        Assert.StartsWith($"{crate.Name} = \"0.4.0\"", hit);
        Assert.Contains($"GhostCrate end-to-end test crate {crate.Name}", hit);

        var api = await Http.SearchAsync(crate.Name, cancellationToken: Cancel);
        Assert.True(api.Status == HttpStatusCode.OK, api.Describe());
        var json = JsonNode.Parse(api.Body)!;
        Assert.Equal(1, json["meta"]?["total"]?.GetValue<int>());
        Assert.Equal("0.4.0", json["crates"]![0]!["max_version"]?.GetValue<string>());

        // `cargo info` reads the index (and the web API) of the registry; run it outside any package.
        var info = await Cargo.RunOkAsync(Cargo.ProjectsDir, ["info", crate.Name, "--registry", CargoSandbox.Registry]);
        var text = info.StdOut + info.StdErr;
        Assert.Contains(crate.Name, text);
        Assert.Contains("0.4.0", text);
        Assert.Contains($"GhostCrate end-to-end test crate {crate.Name}", text);

        var specific = await Cargo.RunOkAsync(Cargo.ProjectsDir, ["info", $"{crate.Name}@0.3.0", "--registry", CargoSandbox.Registry]);
        Assert.Contains("0.3.0", specific.StdOut + specific.StdErr);
    }

    [Fact]
    public async Task Cargo_login_stores_a_token_that_later_publishes_use()
    {
        var (user, token) = await Server.CreateUserWithTokenAsync("login", Cancel);
        var cargo = NewSandbox(token: null);
        var login = await cargo.RunOkAsync(cargo.ProjectsDir, ["login", "--registry", CargoSandbox.Registry], stdin: token + "\n");
        var credentials = Path.Combine(cargo.CargoHome, "credentials.toml");
        Assert.True(File.Exists(credentials), $"cargo login wrote no {credentials}\n{login.Describe()}");
        Assert.Contains(token, await File.ReadAllTextAsync(credentials, Cancel));

        var crate = await cargo.NewLibAsync($"loggedin-{Ids.New()}");
        await cargo.PublishOkAsync(crate);
        var owners = await cargo.RunOkAsync(cargo.ProjectsDir, ["owner", "--registry", CargoSandbox.Registry, "--list", crate.Name]);
        Assert.Equal(user, owners.StdOut.Trim().Split(' ')[0]);
        Assert.Single(await Http.GetIndexEntriesAsync(crate.Name, cancellationToken: Cancel));
    }

    [Fact]
    public async Task Publishing_with_an_unknown_token_is_rejected_and_stores_nothing()
    {
        var cargo = NewSandbox("gce2e-not-a-real-token-" + Ids.New());
        var crate = await cargo.NewLibAsync($"badtoken-{Ids.New()}");
        var result = await cargo.PublishAsync(crate, verify: false);
        Assert.False(result.Succeeded, result.Describe());
        Assert.Matches(@"status 40[13]", result.StdErr);
        var index = await Http.GetIndexFileAsync(crate.Name, cancellationToken: Cancel);
        Assert.True(index.Status == HttpStatusCode.NotFound, index.Describe());
    }
}
