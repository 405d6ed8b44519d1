using System.Net;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// A builder on a registry whose only crates.io is its offline mirror (docs/rustdoc.md, "How a build runs", step 3):
/// a private crate's crates.io dependency is fetched from the node's `/mirror/` mount, the build succeeds and the
/// dependency's item is in the docs. The test's server plays crates.io for `ghostcrate mirror sync`. (Through the
/// proxy instead: DocsCratesIoLinkTests.)
/// </summary>
public sealed class DocsBuildMirrorTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_crates_io_dependency_is_fetched_from_the_nodes_offline_mirror()
    {
        // The mirror is a directory, the same on both lanes: one lane shows it.
        if (Server.Lane.Kind != BackendKind.Sqlite) Assert.Skip("the offline mirror is independent of the storage backends; it runs in the sqlite lane");

        var id = Ids.New();
        var dep = await Cargo.NewLibAsync($"mirdocdep-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "/// Came through the mirror.\npub struct FromTheMirror;\n" });
        await Cargo.PublishOkAsync(dep);
        var mirror = Path.Combine(TempDirs.Create("docs-mirror"), "mirror");
        await CliOkAsync("mirror", "init", mirror, "--upstream", Server.CargoIndexUrl, "--crates", dep.Name);
        await CliOkAsync("mirror", "sync", mirror, "--plain");

        await using var builder = await GhostCrateServer.StartAsync(new ServerOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["GHOSTCRATE_Mirror__Directory"] = mirror,
                ["GHOSTCRATE_Docs__Build__Enabled"] = "true",
                ["GHOSTCRATE_Docs__Build__Timeout"] = DocsBuilderServerFixture.BuildTimeout.ToString(),
                ["GHOSTCRATE_Docs__Build__Cargo"] = CargoSandbox.CargoPath,
            },
        }, Cancel);
        using var author = new CargoSandbox(builder, builder.AdminToken);
        // The author's crates.io is that node's mirror too (cargo resolves the dependency when it packages).
        await File.WriteAllTextAsync(Path.Combine(author.CargoHome, "config.toml"), $"""
            [source.crates-io]
            replace-with = "offline-mirror"

            [source.offline-mirror]
            registry = "sparse+{builder.BaseUrl}mirror/index/"
            """, Cancel);
        var main = await author.NewLibAsync($"mirdocmain-{id}", dependencies: $"{dep.Name} = \"0.1\"",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"/// Needs a crates.io crate.\npub fn from_mirror() -> {dep.RustName}::FromTheMirror {{ {dep.RustName}::FromTheMirror }}\n" });
        await author.PublishOkAsync(main, verify: false);

        var status = await DocsBuildTests.WaitForBuildAsync(builder.Http, builder.AdminToken, main.Name);
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        var page = await builder.Http.GetAsync($"/docs/{main.Name}/0.1.0/{main.RustName}/fn.from_mirror.html", cancellationToken: Cancel);
        Assert.True(page.Status == HttpStatusCode.OK, page.Describe());
        Assert.Contains("FromTheMirror", page.Body, StringComparison.Ordinal);
        await DocsBuildTests.AssertScratchEmpty(builder.DataDir, Cancel);
    }

    private async Task CliOkAsync(params string[] args)
    {
        var result = await Server.RunCliAsync(args, cancellationToken: Cancel);
        Assert.True(result.Succeeded, $"`ghostcrate {string.Join(' ', args)}` failed:\n{result.Describe()}");
    }
}
