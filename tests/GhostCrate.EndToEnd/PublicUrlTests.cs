using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// GHOSTCRATE_Registry__PublicUrl: config.json sends cargo to the public name for the API and downloads, whatever
/// address the request came in on (a reverse proxy's view).
/// </summary>
public sealed class PublicUrlTests(PublicUrlServerFixture fixture) : EndToEndTest(fixture), IClassFixture<PublicUrlServerFixture>
{
    [Fact]
    public async Task Config_json_uses_the_public_url_and_cargo_follows_it()
    {
        var expected = $"http://localhost:{Server.Port}";
        var config = await Http.GetAsync("index/config.json", cancellationToken: Cancel);
        Assert.True(config.Status == HttpStatusCode.OK, config.Describe());
        var json = JsonNode.Parse(config.Body)!;
        Assert.Equal(expected, json["api"]?.GetValue<string>()?.TrimEnd('/'));
        Assert.StartsWith(expected + "/", json["dl"]?.GetValue<string>() ?? "");

        // cargo reads the index at 127.0.0.1 but publishes (api) and downloads (dl) at localhost.
        var crate = await Cargo.NewLibAsync($"public-{Ids.New()}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn seven() -> u8 { 7 }\n",
        });
        await Cargo.PublishOkAsync(crate);
        var consumer = await Cargo.NewLibAsync($"consumer-{Ids.New()}",
            dependencies: $"{crate.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn get() -> u8 {{ {crate.RustName}::seven() }}\n" });
        await Cargo.RunOkAsync(consumer.Directory, ["build"]);
    }
}
