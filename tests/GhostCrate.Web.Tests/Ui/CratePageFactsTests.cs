using System.Net;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>
/// Issue 23, crate page facts: install lines cargo accepts for every version (the version in the crate spec, never
/// after --registry), cargo install for binaries, the registry name from Ui:RegistryName, edition, MSRV, features with
/// the dependencies they enable, last updated, recent downloads, hosted docs and Open Graph tags.
/// </summary>
public sealed class CratePageFactsTests
{
    private static async Task PublishAsync(TestApp app, string name, string version, string manifestExtra = "", string[]? files = null, object[]? deps = null,
        Dictionary<string, string[]>? features = null, string? rustVersion = null)
    {
        var crate = new CrateFileBuilder(name, version)
            .File($"{name}-{version}/Cargo.toml", $"[package]\nname = \"{name}\"\nversion = \"{version}\"\n{manifestExtra}");
        foreach (var file in files ?? ["src/lib.rs"]) crate.File($"{name}-{version}/{file}", "pub fn f() {}\n");
        var metadata = new
        {
            name,
            vers = version,
            deps = deps ?? [],
            features = features ?? new Dictionary<string, string[]>(),
            authors = Array.Empty<string>(),
            description = $"The {name} crate",
            keywords = Array.Empty<string>(),
            categories = Array.Empty<string>(),
            license = "MIT",
            rust_version = rustVersion,
        };
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(metadata, crate.BuildCrate()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static object Dep(string name, bool optional = false, string? registry = null) => new
    {
        name, version_req = "^1", features = Array.Empty<string>(), optional, default_features = true, target = (string?)null, kind = "normal", registry,
    };

    [Fact]
    public async Task Every_version_gets_an_install_line_with_the_version_in_the_crate_spec()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "acme-http", "0.4.0");
        await PublishAsync(app, "acme-http", "1.0.0");
        await PublishAsync(app, "acme-http", "1.1.0-beta.1");

        var latest = await UiCrates.GetOkPageAsync(app, "/crates/acme-http");
        Assert.Equal("cargo add acme-http --registry ghostcrate", latest.QuerySelector("#cargo-add")!.TextContent);

        var old = await UiCrates.GetOkPageAsync(app, "/crates/acme-http/0.4.0");
        Assert.Equal("cargo add acme-http@0.4.0 --registry ghostcrate", old.QuerySelector("#cargo-add")!.TextContent);
        Assert.Equal("acme-http = { version = \"0.4.0\", registry = \"ghostcrate\" }", old.QuerySelector("#cargo-toml")!.TextContent);

        var pre = await UiCrates.GetOkPageAsync(app, "/crates/acme-http/1.1.0-beta.1");
        Assert.Equal("cargo add acme-http@1.1.0-beta.1 --registry ghostcrate", pre.QuerySelector("#cargo-add")!.TextContent);
        Assert.Null(pre.QuerySelector("#cargo-install"));
    }

    [Fact]
    public async Task A_yanked_version_offers_no_command_cargo_would_refuse_and_links_the_current_one()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "acme-http", "0.4.0");
        await PublishAsync(app, "acme-http", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/acme-http/0.4.0/yank")).StatusCode);

        var page = await UiCrates.GetOkPageAsync(app, "/crates/acme-http/0.4.0");

        Assert.Null(page.QuerySelector("#cargo-add"));
        Assert.Null(page.QuerySelector("#cargo-toml"));
        var note = page.QuerySelector("[data-install-yanked]")!;
        Assert.Equal("/crates/acme-http", note.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task A_binary_crate_offers_cargo_install_and_a_library_with_binaries_offers_both()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "ghost-cli", "1.0.0", "edition = \"2024\"\n", ["src/main.rs", "src/bin/ghost-admin.rs"]);
        await PublishAsync(app, "ghost-cli", "2.0.0", "edition = \"2024\"\n", ["src/main.rs"]);
        await PublishAsync(app, "ghost-both", "1.0.0", "edition = \"2021\"\n", ["src/lib.rs", "src/main.rs"]);

        var old = await UiCrates.GetOkPageAsync(app, "/crates/ghost-cli/1.0.0");
        Assert.Equal("cargo install ghost-cli@1.0.0 --registry ghostcrate", old.QuerySelector("#cargo-install")!.TextContent);
        Assert.Equal("ghost-admin, ghost-cli", old.QuerySelector("[data-binaries]")!.TextContent);
        Assert.Null(old.QuerySelector("#cargo-add"));
        Assert.Equal("2024", old.QuerySelector("[data-edition]")!.TextContent);
        var latest = await UiCrates.GetOkPageAsync(app, "/crates/ghost-cli");
        Assert.Equal("cargo install ghost-cli --registry ghostcrate", latest.QuerySelector("#cargo-install")!.TextContent);

        var both = await UiCrates.GetOkPageAsync(app, "/crates/ghost-both");
        Assert.Equal("cargo install ghost-both --registry ghostcrate", both.QuerySelector("#cargo-install")!.TextContent);
        Assert.Equal("cargo add ghost-both --registry ghostcrate", both.QuerySelector("#cargo-add")!.TextContent);
    }

    [Fact]
    public async Task The_registry_name_in_every_snippet_comes_from_the_setting()
    {
        await using var app = await TestApp.StartAsync(new() { ["Ui:RegistryName"] = "acme-internal" });
        await PublishAsync(app, "acme-http", "0.4.0");
        await PublishAsync(app, "acme-http", "1.0.0");

        var page = await UiCrates.GetOkPageAsync(app, "/crates/acme-http/0.4.0");
        Assert.Equal("cargo add acme-http@0.4.0 --registry acme-internal", page.QuerySelector("#cargo-add")!.TextContent);
        Assert.Contains("registry = \"acme-internal\"", page.QuerySelector("#cargo-toml")!.TextContent, StringComparison.Ordinal);

        var home = await UiCrates.GetOkPageAsync(app, "/");
        Assert.StartsWith("[registries.acme-internal]", home.QuerySelector("#setup-registry")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("cargo publish --registry acme-internal", home.QuerySelector("#setup-login")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("ghostcrate", home.QuerySelector("#setup")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crates-io")]
    [InlineData("acme@0.4.0")]
    [InlineData("1registry")]
    [InlineData("")]
    public async Task A_registry_name_cargo_would_reject_stops_the_start(string name)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(new() { ["Ui:RegistryName"] = name }));
        Assert.Contains("Ui:RegistryName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Facts_msrv_features_with_linked_dependencies_updated_and_recent_downloads()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "ghost-base", "1.0.0");
        await PublishAsync(app, "ghost-widget", "1.0.0", "edition = \"2021\"\nrust-version = \"1.74\"\n",
            deps: [Dep("ghost-base", optional: true), Dep("serde", optional: true, registry: "https://github.com/rust-lang/crates.io-index")],
            features: new() { ["default"] = ["std"], ["std"] = [], ["json"] = ["dep:serde", "serde/derive"] },
            rustVersion: "1.74");
        await UiCrates.DownloadAsync(app, "ghost-widget", "1.0.0", times: 3);
        await UiCrates.FlushDownloadsAsync(app);

        var page = await UiCrates.GetOkPageAsync(app, "/crates/ghost-widget");

        Assert.Equal("2021", page.QuerySelector("[data-edition]")!.TextContent);
        Assert.Contains("1.74", page.QuerySelector("[data-msrv]")!.TextContent, StringComparison.Ordinal);
        Assert.StartsWith("3 in ", page.QuerySelector("[data-recent-downloads]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-updated] time[datetime]"));
        var json = page.QuerySelector("dt[data-feature=json] + dd")!;
        Assert.Equal(["https://crates.io/crates/serde", "https://crates.io/crates/serde"], json.QuerySelectorAll("[data-feature-dependency=serde] a").Select(a => a.GetAttribute("href")));
        // ghost-base is optional and never named with dep:, so it is a feature of its own, linked to its page here.
        var implicitFeature = page.QuerySelector("dt[data-feature=ghost-base] + dd")!;
        Assert.Equal("/crates/ghost-base", implicitFeature.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("#feature-std", page.QuerySelector("dt[data-feature=default] + dd a")!.GetAttribute("href"));
        Assert.Equal("ghost-widget 1.0.0", page.QuerySelector("meta[property='og:title']")!.GetAttribute("content"));
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/crates/ghost-widget/1.0.0", page.QuerySelector("meta[property='og:url']")!.GetAttribute("content"));
        Assert.Equal("The ghost-widget crate", page.QuerySelector("meta[property='og:description']")!.GetAttribute("content"));
        Assert.Null(page.QuerySelector("[data-hosted-docs]"));
    }

    [Fact]
    public async Task Hosted_docs_are_linked_once_a_generation_exists()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "ghost-docs", "1.0.0");
        var response = await Docs.DocsUploadTests.UploadAsync(app, "ghost-docs", "1.0.0", DocsArchiveBuilder.Rustdoc("ghost-docs").TarGz());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var page = await UiCrates.GetOkPageAsync(app, "/crates/ghost-docs");

        Assert.Equal("/docs/ghost-docs/1.0.0/", page.QuerySelector("[data-hosted-docs]")!.GetAttribute("href"));
    }
}
