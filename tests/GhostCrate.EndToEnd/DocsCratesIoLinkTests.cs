using System.Net;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>U plays crates.io; P proxies it at /crates-io/ and builds its private crates' docs.</summary>
public sealed class DocsBuilderProxyPairFixture : ProxyPairFixture
{
    protected override Dictionary<string, string> ProxySettingsFor(GhostCrateServer upstream)
    {
        var settings = ProxySettings(upstream);
        settings["GHOSTCRATE_Docs__Build__Enabled"] = "true";
        settings["GHOSTCRATE_Docs__Build__Timeout"] = DocsBuilderServerFixture.BuildTimeout.ToString();
        settings["GHOSTCRATE_Docs__Build__Cargo"] = CargoSandbox.CargoPath;
        return settings;
    }
}

/// <summary>
/// `--extern-html-root-url` for a crates.io dependency (docs/rustdoc.md#building-docs-in-the-registry, step 7), with
/// the real cargo: a private crate's docs, built by the registry with the dependency fetched through its proxy, link
/// the dependency's item to docs.rs; after Docs:Build:CratesIoDocsUrl=none (an air-gapped site) and a rebuild, the
/// item is plain text. (Links to this registry's own crates: DocsBuildTests.)
/// </summary>
public sealed class DocsCratesIoLinkTests(DocsBuilderProxyPairFixture fixture) : ProxyEndToEndTest(fixture), IClassFixture<DocsBuilderProxyPairFixture>
{
    [Fact]
    public async Task A_crates_io_dependencys_item_links_to_docs_rs_and_to_nothing_once_the_setting_turns_that_off()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var pub = await publisher.NewLibAsync($"pubdoc-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "/// From crates.io.\npub struct PublicThing;\n" });
        await publisher.PublishOkAsync(pub);
        var author = await ConsumerOfProxyAsync(Proxy.AdminToken);
        var priv = await author.NewLibAsync($"privdoc-{id}", dependencies: $"{pub.Name} = \"0.1\"",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"/// Makes a crates.io type.\npub fn make() -> {pub.RustName}::PublicThing {{ {pub.RustName}::PublicThing }}\n" });
        await author.PublishOkAsync(priv);

        var status = await DocsBuildTests.WaitForBuildAsync(Proxy.Http, Proxy.AdminToken, priv.Name);
        Assert.True(status["status"]!.GetValue<string>() == "built", status.ToJsonString());
        var link = $"href=\"https://docs.rs/{pub.Name}/0.1.0/{pub.RustName}/struct.PublicThing.html\"";
        Assert.Contains(link, await FunctionPageAsync(priv));

        Proxy.ChangeSetting("GHOSTCRATE_Docs__Build__CratesIoDocsUrl", "none");
        await Proxy.RestartAsync(Cancel);
        var rebuild = await Proxy.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/docs/{priv.Name}/0.1.0/rebuild"), Proxy.AdminToken, Cancel);
        Assert.True(rebuild.Status == HttpStatusCode.Accepted, rebuild.Describe());
        var rebuilt = await DocsBuildTests.WaitForBuildAsync(Proxy.Http, Proxy.AdminToken, priv.Name);
        Assert.True(rebuilt["status"]!.GetValue<string>() == "built", rebuilt.ToJsonString());
        var page = await FunctionPageAsync(priv);
        Assert.Contains("PublicThing", page);
        Assert.DoesNotContain($"https://docs.rs/{pub.Name}", page);
    }

    private async Task<string> FunctionPageAsync(CrateProject project)
    {
        var page = await Proxy.Http.GetAsync($"/docs/{project.Name}/0.1.0/{project.RustName}/fn.make.html", cancellationToken: Cancel);
        Assert.True(page.Status == HttpStatusCode.OK, page.Describe());
        return page.Body;
    }
}
