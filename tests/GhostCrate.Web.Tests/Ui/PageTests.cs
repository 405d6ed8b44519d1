using System.Net;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>The public pages, rendered by the real server and read back with AngleSharp.</summary>
public sealed class PageTests
{
    private static object Dep(string name, string req, string kind = "normal", string? registry = null, bool optional = false) =>
        CrateFileBuilder.Dependency(name, req, registry, kind, optional);

    [Fact]
    public async Task Home_shows_counts_recent_and_popular_crates_and_cargo_setup()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "quiet", "1.0.0");
        await UiCrates.PublishAsync(app, "popular", "1.0.0");
        await UiCrates.PublishAsync(app, "popular", "1.1.0");
        await UiCrates.DownloadAsync(app, "popular", "1.1.0", times: 3);
        await UiCrates.FlushDownloadsAsync(app);

        var page = await UiCrates.GetOkPageAsync(app, "/");

        Assert.Equal("2", page.QuerySelector("[data-stat=crates]")!.TextContent);
        Assert.Equal("3", page.QuerySelector("[data-stat=versions]")!.TextContent);
        Assert.Equal("3", page.QuerySelector("[data-stat=downloads]")!.TextContent);
        var recent = page.QuerySelectorAll("section[aria-labelledby=recent-heading] .crate-name").Select(a => a.TextContent).ToList();
        Assert.Equal(["popular", "quiet"], recent);
        var popular = page.QuerySelectorAll("section[aria-labelledby=popular-heading] .crate-name").Select(a => a.TextContent).ToList();
        Assert.Equal("popular", popular[0]);
        var setup = page.GetElementById("setup-registry")!.TextContent;
        Assert.Contains($"index = \"sparse+{app.BaseAddress.ToString().TrimEnd('/')}/index/\"", setup, StringComparison.Ordinal);
        // The proxy is off by default: no snippet pointing at a mount that answers 404.
        Assert.Null(page.GetElementById("setup-mirror"));
        Assert.Null(page.GetElementById("setup-offline-mirror"));
        Assert.NotNull(page.GetElementById("setup-no-mirror"));
    }

    [Fact]
    public async Task The_home_page_offers_the_crates_io_proxy_and_the_offline_mirror_where_they_are_served()
    {
        var mirrorDir = Path.Combine(Path.GetTempPath(), "gc-home-mirror-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(mirrorDir, "index"));
        try
        {
            await using var app = await TestApp.StartAsync(new()
            {
                ["Proxy:Enabled"] = "true",
                ["Mirror:Directory"] = mirrorDir,
                ["Mirror:MountPath"] = "/air-gap/",
            });
            var baseUrl = app.BaseAddress.ToString().TrimEnd('/');

            var page = await UiCrates.GetOkPageAsync(app, "/");

            Assert.Null(page.GetElementById("setup-no-mirror"));
            var proxy = page.GetElementById("setup-mirror")!.TextContent;
            Assert.Contains("replace-with = \"ghostcrate-mirror\"", proxy, StringComparison.Ordinal);
            Assert.Contains($"registry = \"sparse+{baseUrl}/crates-io/index/\"", proxy, StringComparison.Ordinal);
            Assert.NotNull(page.QuerySelector("button[data-copy-target=setup-mirror]"));
            var offline = page.GetElementById("setup-offline-mirror")!.TextContent;
            Assert.Contains("replace-with = \"ghostcrate-offline\"", offline, StringComparison.Ordinal);
            Assert.Contains($"registry = \"sparse+{baseUrl}/air-gap/index/\"", offline, StringComparison.Ordinal);
            Assert.NotNull(page.QuerySelector("button[data-copy-target=setup-offline-mirror]"));

            // Both snippets name mounts that really answer cargo.
            Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/air-gap/index/config.json")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/crates-io/index/config.json")).StatusCode);
        }
        finally
        {
            Directory.Delete(mirrorDir, recursive: true);
        }
    }

    [Fact]
    public async Task Search_matches_name_description_and_keywords_and_sorts_and_pages()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "alpha-net", "1.0.0", description: "networking things");
        await UiCrates.PublishAsync(app, "beta", "2.0.0", description: "parsers", keywords: ["net"]);
        await UiCrates.PublishAsync(app, "gamma", "0.1.0", description: "nothing related");
        await UiCrates.DownloadAsync(app, "beta", "2.0.0", times: 2);
        await UiCrates.FlushDownloadsAsync(app);

        var relevance = await UiCrates.GetOkPageAsync(app, "/search?q=net");
        var names = relevance.QuerySelectorAll("#results tr[data-crate]").Select(r => r.GetAttribute("data-crate")).ToList();
        Assert.Equal(["alpha-net", "beta"], names);
        var beta = relevance.QuerySelector("tr[data-crate=beta]")!;
        Assert.Equal("2.0.0", beta.QuerySelector(".version")!.TextContent);
        Assert.Contains("parsers", beta.TextContent, StringComparison.Ordinal);
        Assert.Equal("2", beta.QuerySelector("td.number")!.TextContent.Trim());
        Assert.NotNull(beta.QuerySelector("time[datetime]"));

        var byDownloads = await UiCrates.GetOkPageAsync(app, "/search?q=net&sort=downloads");
        Assert.Equal(["beta", "alpha-net"], byDownloads.QuerySelectorAll("#results tr[data-crate]").Select(r => r.GetAttribute("data-crate")));
        Assert.Equal("downloads", byDownloads.QuerySelector("#sort option[selected]")!.GetAttribute("value"));

        var byName = await UiCrates.GetOkPageAsync(app, "/search?sort=name");
        Assert.Equal(["alpha-net", "beta", "gamma"], byName.QuerySelectorAll("#results tr[data-crate]").Select(r => r.GetAttribute("data-crate")));

        var none = await UiCrates.GetOkPageAsync(app, "/search?q=zzz");
        Assert.Empty(none.QuerySelectorAll("#results tr[data-crate]"));
        Assert.Contains("No crates match", none.QuerySelector(".result-count")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_pages_link_to_each_other()
    {
        await using var app = await TestApp.StartAsync();
        for (var i = 0; i < 25; i++) await UiCrates.PublishAsync(app, $"many-{i:00}", "1.0.0");

        var first = await UiCrates.GetOkPageAsync(app, "/search?q=many&sort=name");
        var second = await UiCrates.GetOkPageAsync(app, "/search?q=many&sort=name&page=2");
        var beyond = await UiCrates.GetOkPageAsync(app, "/search?q=many&sort=name&page=9");

        Assert.Equal(20, first.QuerySelectorAll("#results tr[data-crate]").Length);
        Assert.Equal("/search?q=many&sort=name&page=2", first.QuerySelector(".pagination a[rel=next]")!.GetAttribute("href"));
        Assert.Equal(["many-20", "many-21", "many-22", "many-23", "many-24"], second.QuerySelectorAll("#results tr[data-crate]").Select(r => r.GetAttribute("data-crate")));
        Assert.Equal("2", second.QuerySelector(".pagination a[aria-current=page]")!.TextContent);
        Assert.Equal(5, beyond.QuerySelectorAll("#results tr[data-crate]").Length);
    }

    [Fact]
    public async Task Crate_page_shows_readme_versions_yanks_dependencies_dependents_and_features()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "base-lib", "1.0.0");
        await UiCrates.PublishAsync(app, "helper", "0.3.0");
        await UiCrates.PublishAsync(app, "widget", "1.0.0", readme: "# Widget Guide\n\nUse it.\n");
        await UiCrates.PublishAsync(app, "widget", "1.1.0",
            readme: "# Widget Guide\n\nNow with more.\n",
            deps:
            [
                Dep("base-lib", "^1"),
                Dep("serde", "^1.0", registry: "https://github.com/rust-lang/crates.io-index"),
                Dep("helper", "^0.3", kind: "dev"),
                Dep("base-lib", "^1", kind: "build", optional: true),
            ],
            features: new() { ["default"] = ["std"], ["std"] = [], ["fancy"] = ["dep:base-lib"] },
            repository: "https://github.com/acme/widget");
        await UiCrates.PublishAsync(app, "widget", "2.0.0-beta.1");
        await UiCrates.PublishAsync(app, "gadget", "0.1.0", deps: [Dep("widget", "^1")]);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/widget/1.0.0/yank")).StatusCode);

        var page = await UiCrates.GetOkPageAsync(app, "/crates/widget");

        Assert.Equal("1.1.0", page.QuerySelector("[data-selected-version]")!.TextContent);
        Assert.Equal("Widget Guide", page.QuerySelector("#readme h1")!.TextContent);
        var versions = page.QuerySelectorAll(".versions-table tr[data-version]").ToList();
        Assert.Equal(["2.0.0-beta.1", "1.1.0", "1.0.0"], versions.Select(r => r.GetAttribute("data-version")));
        Assert.NotNull(versions[2].QuerySelector(".badge-yanked"));
        Assert.Contains("yanked", versions[2].ClassName, StringComparison.Ordinal);
        Assert.Null(versions[1].QuerySelector(".badge-yanked"));
        Assert.Equal("true", versions[1].GetAttribute("aria-current"));
        Assert.NotNull(versions[0].QuerySelector("time[datetime]"));

        var normal = page.QuerySelector(".dependency-list[data-kind=normal]")!;
        Assert.Equal("/crates/base-lib", normal.QuerySelector("li[data-dependency=base-lib] a")!.GetAttribute("href"));
        var serde = normal.QuerySelector("li[data-dependency=serde]")!;
        Assert.NotNull(serde.QuerySelector(".badge-cratesio"));
        Assert.Equal("https://crates.io/crates/serde", serde.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("/crates/helper", page.QuerySelector(".dependency-list[data-kind=dev] li[data-dependency=helper] a")!.GetAttribute("href"));
        Assert.Contains("optional", page.QuerySelector(".dependency-list[data-kind=build]")!.TextContent, StringComparison.Ordinal);

        Assert.Equal("/crates/gadget", page.QuerySelector("#dependents li[data-dependent=gadget] a")!.GetAttribute("href"));
        var features = page.QuerySelectorAll("#features dt code").Select(c => c.TextContent).ToList();
        Assert.Equal(["default", "fancy", "std"], features);
        Assert.Equal("cargo add widget --registry ghostcrate", page.GetElementById("cargo-add")!.TextContent);
        Assert.Contains("widget = { version = \"1.1.0\", registry = \"ghostcrate\" }", page.GetElementById("cargo-toml")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("button[data-copy-target=cargo-add]"));
        Assert.Equal("https://github.com/acme/widget", page.QuerySelector(".facts-list a.wrap")!.GetAttribute("href"));
        Assert.Equal("MIT", page.QuerySelector("[data-license]")!.TextContent.Trim());
        Assert.Equal("https://spdx.org/licenses/MIT.html", page.QuerySelector("[data-license] a[data-spdx=MIT]")!.GetAttribute("href"));
        Assert.Equal("/users/admin", page.QuerySelector(".owners a")!.GetAttribute("href"));
        Assert.NotNull(page.QuerySelector("a[href='/crates/widget/1.1.0/graph']"));
        Assert.NotNull(page.GetElementById("downloads-chart"));
    }

    [Fact]
    public async Task A_yanked_version_page_says_so()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "oops", "1.0.0");
        await UiCrates.PublishAsync(app, "oops", "1.0.1");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/oops/1.0.0/yank")).StatusCode);

        var page = await UiCrates.GetOkPageAsync(app, "/crates/oops/1.0.0");

        Assert.Contains("Yanked", page.QuerySelector(".notice-yanked")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("1.0.0", page.QuerySelector("[data-selected-version]")!.TextContent);
    }

    [Fact]
    public async Task Crate_names_are_redirected_to_their_spelling()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "Mixed_Case", "1.0.0");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        var response = await client.GetAsync("/crates/mixed-case");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/crates/Mixed_Case", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_hostile_readme_renders_no_script_handlers_or_javascript_links()
    {
        await using var app = await TestApp.StartAsync();
        const string readme = """
            # Totally Normal

            <script>document.title = 'pwned'</script>
            <img src="https://img.example/x.png" onerror="alert(1)" alt="x">
            <a href="javascript:alert(1)">click</a> [md link](javascript:alert(2))
            <div onmouseover="alert(3)" style="position:fixed">hover</div>
            <iframe src="https://evil.example"></iframe>
            """;
        await UiCrates.PublishAsync(app, "hostile", "1.0.0", readme: readme);

        var (response, page) = await UiCrates.GetPageAsync(app, "/crates/hostile");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var readmeSection = page.GetElementById("readme")!;
        Assert.Equal("Totally Normal", readmeSection.QuerySelector("h1")!.TextContent);
        Assert.Empty(readmeSection.QuerySelectorAll("script, iframe, [style]"));
        Assert.DoesNotContain(readmeSection.QuerySelectorAll("*").SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.Ordinal));
        Assert.DoesNotContain(page.QuerySelectorAll("[href]"), e => e.GetAttribute("href")!.Contains("javascript:", StringComparison.OrdinalIgnoreCase));
        // The only scripts on the page are our own files: no inline code, so the CSP below can forbid it.
        Assert.All(page.QuerySelectorAll("script"), s => Assert.True(s.HasAttribute("src") || s.GetAttribute("type") == "application/json", s.OuterHtml));
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_page_resolves_dependencies_in_this_registry()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "leaf", "1.0.0");
        await UiCrates.PublishAsync(app, "leaf", "1.2.0");
        await UiCrates.PublishAsync(app, "middle", "0.5.0", deps: [Dep("leaf", "^1.0")]);
        await UiCrates.PublishAsync(app, "top", "3.0.0", deps: [Dep("middle", "^0.5"), Dep("serde", "^1", registry: "https://github.com/rust-lang/crates.io-index")]);

        var page = await UiCrates.GetOkPageAsync(app, "/crates/top/3.0.0/graph");

        var nodes = page.QuerySelectorAll(".dependency-tree li[data-node]").Select(li => li.GetAttribute("data-node")).ToList();
        Assert.Contains("middle@0.5.0", nodes);
        Assert.Contains("leaf@1.2.0", nodes);
        Assert.Contains("crates-io:serde:^1", nodes);
        Assert.Contains("\"root\":\"top@3.0.0\"", page.GetElementById("graph-data")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dependents_page_and_user_profile_list_crates()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "core-thing", "1.0.0");
        await UiCrates.PublishAsync(app, "user-one", "1.0.0", deps: [Dep("core-thing", "^1")]);
        await UiCrates.PublishAsync(app, "user-two", "1.0.0", deps: [Dep("core-thing", "^1", kind: "dev")]);

        var dependents = await UiCrates.GetOkPageAsync(app, "/crates/core-thing/dependents");
        var profile = await UiCrates.GetOkPageAsync(app, "/users/admin");

        Assert.Equal(["user-one", "user-two"], dependents.QuerySelectorAll("li[data-dependent]").Select(li => li.GetAttribute("data-dependent")).Order());
        Assert.Equal(["core-thing", "user-one", "user-two"], profile.QuerySelectorAll(".crate-name").Select(a => a.TextContent));
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/crates/no-such-crate")]
    [InlineData("/crates/no-such-crate/1.0.0/graph")]
    [InlineData("/users/no-such-user")]
    public async Task Missing_pages_get_the_friendly_404(string path)
    {
        await using var app = await TestApp.StartAsync();

        var (response, page) = await UiCrates.GetPageAsync(app, path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("404", page.QuerySelector(".error-page")!.GetAttribute("data-status"));
        Assert.Equal("Page not found", page.QuerySelector("h1")!.TextContent);
        Assert.NotNull(page.QuerySelector("form[action='/search'] input[name=q]"));
    }

    [Fact]
    public async Task Cargo_and_json_routes_keep_their_error_formats()
    {
        await using var app = await TestApp.StartAsync();
        var client = app.Client();

        var api = await client.GetAsync("/api/v1/crates/nope/1.0.0/download");
        var index = await client.GetAsync("/index/no/pe/nope");
        var stats = await client.GetAsync("/api/v1/crates/nope/downloads");
        var problem = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/no-such-page") { Headers = { { "Accept", "application/json" } } });

        foreach (var response in new[] { api, index, stats })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.NotEmpty(await Json.ErrorDetailAsync(response));
        }
        Assert.Equal(HttpStatusCode.NotFound, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType!.MediaType);
        Assert.Equal(404, (await Json.ReadAsync(problem)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_failing_page_shows_the_friendly_500_and_hides_the_exception()
    {
        await using var app = await TestApp.StartAsync(overrideServices: services =>
            services.AddSingleton<GhostCrate.Core.Catalog.ICrateCatalog>(new ThrowingCatalog()));

        var (response, page) = await UiCrates.GetPageAsync(app, "/");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("Something went wrong", page.QuerySelector("h1")!.TextContent);
        Assert.DoesNotContain("catalog exploded", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.NotEmpty(page.QuerySelector(".error-page code")!.TextContent);
    }

    private sealed class ThrowingCatalog : GhostCrate.Core.Catalog.ICrateCatalog
    {
        private static Exception Boom() => new InvalidOperationException("catalog exploded");
        public Task<GhostCrate.Core.Catalog.RegistryCounts> CountAsync(CancellationToken cancellationToken) => throw Boom();
        public Task<GhostCrate.Core.Crates.CrateSearchPage> SearchAsync(GhostCrate.Core.Search.SearchQuery query, GhostCrate.Core.Catalog.CrateSort sort, int offset, int limit, CancellationToken cancellationToken) => throw Boom();
        public Task<IReadOnlyList<GhostCrate.Core.Catalog.VersionSummary>> ListVersionSummariesAsync(long crateId, CancellationToken cancellationToken) => throw Boom();
        public Task<GhostCrate.Core.Catalog.ReverseDependencyPage> ListReverseDependenciesAsync(IReadOnlyList<string> dependencyNames, long excludeCrateId, int offset, int limit, CancellationToken cancellationToken) => throw Boom();
        public Task<IReadOnlyDictionary<string, int>> CountDependentsAsync(IReadOnlyCollection<string> canonicalNames, bool onThisRegistry, CancellationToken cancellationToken) => throw Boom();
        public Task<IReadOnlyList<GhostCrate.Core.Crates.CrateSearchHit>> ListOwnedByAsync(long userId, CancellationToken cancellationToken) => throw Boom();
        public Task<IReadOnlyList<GhostCrate.Core.Crates.CrateSearchHit>> ListOwnedByOrganizationAsync(long orgId, CancellationToken cancellationToken) => throw Boom();
    }
}
