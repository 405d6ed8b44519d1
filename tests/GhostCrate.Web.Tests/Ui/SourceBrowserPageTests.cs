using System.Net;
using System.Net.Http.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>
/// The source browser (/crates/{name}/{version}/source/...) and the version diff (/crates/{name}/diff), issue 23 item 2:
/// read-only, from the stored .crate, highlighted, capped, and only for viewers who may read the crate.
/// </summary>
public sealed class SourceBrowserPageTests
{
    private static async Task PublishAsync(TestApp app, string name, string version, CrateFileBuilder files)
    {
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(CrateFileBuilder.Metadata(name, version), files.BuildCrate()), TestApp.AdminToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"publish of {name} {version} failed: {await response.Content.ReadAsStringAsync()}");
    }

    private static CrateFileBuilder Files(string name, string version, string lib) =>
        new CrateFileBuilder(name, version)
            .File($"{name}-{version}/Cargo.toml", $"[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n")
            .File($"{name}-{version}/src/lib.rs", lib);

    [Fact]
    public async Task The_root_lists_folders_then_files_and_a_file_shows_numbered_highlighted_lines()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "acme-src", "1.0.0", Files("acme-src", "1.0.0", "/// Answers.\npub fn answer() -> u32 {\n    \"<script>alert(1)</script>\".len() as u32\n}\n")
            .File("acme-src-1.0.0/src/util/mod.rs", "pub mod x;\n")
            .File("acme-src-1.0.0/README.md", "# acme\n")
            .Executable("acme-src-1.0.0/run.sh", "#!/bin/sh\necho hi\n"u8.ToArray()));

        var root = await UiCrates.GetOkPageAsync(app, "/crates/acme-src/1.0.0/source/");
        var names = root.QuerySelectorAll("[data-source-folder] tbody td:first-child a").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal(["src/", "Cargo.toml", "README.md", "run.sh"], names);
        Assert.Contains("2 files", root.QuerySelector("[data-source-folder] tbody tr")!.TextContent, StringComparison.Ordinal);

        var folder = await UiCrates.GetOkPageAsync(app, "/crates/acme-src/1.0.0/source/src");
        Assert.Equal(["util/", "lib.rs"], folder.QuerySelectorAll("[data-source-folder] tbody td:first-child a").Select(a => a.TextContent.Trim()));

        var file = await UiCrates.GetOkPageAsync(app, "/crates/acme-src/1.0.0/source/src/lib.rs");
        var rows = file.QuerySelectorAll("[data-source-file] tr");
        Assert.Equal(4, rows.Length);
        Assert.Equal("L2", rows[1].Id);
        Assert.Equal("pub fn answer() -> u32 {", rows[1].QuerySelector("td.code")!.TextContent);
        Assert.Contains(rows[1].QuerySelectorAll("span.hl-keyword"), s => s.TextContent == "fn");
        Assert.NotNull(rows[0].QuerySelector("span.hl-comment"));
        // The crate's text is text: a script inside a string literal is shown, never parsed as markup.
        Assert.Empty(file.QuerySelectorAll("[data-source-file] script"));
        Assert.Contains("<script>alert(1)</script>", rows[2].TextContent, StringComparison.Ordinal);

        var script = await UiCrates.GetOkPageAsync(app, "/crates/acme-src/1.0.0/source/run.sh");
        Assert.Contains("executable", script.QuerySelector("[data-file-facts]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_and_large_files_are_described_or_cut_and_missing_paths_are_404()
    {
        await using var app = await TestApp.StartAsync();
        var large = string.Concat(Enumerable.Repeat("// a long generated line of text for the cap\n", 30_000));
        await PublishAsync(app, "acme-bin", "1.0.0", Files("acme-bin", "1.0.0", "pub fn f() {}\n")
            .File("acme-bin-1.0.0/data/blob.bin", [0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3])
            .File("acme-bin-1.0.0/src/generated.rs", large));

        var binary = await UiCrates.GetOkPageAsync(app, "/crates/acme-bin/1.0.0/source/data/blob.bin");
        Assert.NotNull(binary.QuerySelector("[data-binary]"));
        Assert.Null(binary.QuerySelector("[data-source-file]"));

        var cut = await UiCrates.GetOkPageAsync(app, "/crates/acme-bin/1.0.0/source/src/generated.rs");
        Assert.NotNull(cut.QuerySelector("[data-truncated]"));
        var shown = cut.QuerySelectorAll("[data-source-file] tr").Length;
        Assert.InRange(shown, 1000, large.Length / 40);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/crates/acme-bin/1.0.0/source/src/nothing.rs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/crates/acme-bin/9.9.9/source/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/crates/no-such-crate/1.0.0/source/")).StatusCode);
    }

    [Fact]
    public async Task A_restricted_crates_source_diff_and_images_exist_only_for_those_with_a_grant()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        await PublishAsync(app, "secret-src", "1.0.0", Files("secret-src", "1.0.0", "pub fn a() {}\n").File("secret-src-1.0.0/logo.png", Png));
        await PublishAsync(app, "secret-src", "1.1.0", Files("secret-src", "1.1.0", "pub fn b() {}\n"));
        var restrict = await app.Client(TestApp.AdminToken).PutAsJsonAsync("/api/v1/crates/secret-src/access", new { restricted = true });
        Assert.True(restrict.IsSuccessStatusCode, await restrict.Content.ReadAsStringAsync());
        await Users.CreateWithTokenAsync(app, "outsider");
        using var outsider = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await outsider.LoginAsync("outsider", "a long enough password")).StatusCode);
        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);

        string[] paths = ["/crates/secret-src/1.0.0/source/src/lib.rs", "/crates/secret-src/diff?from=1.0.0&to=1.1.0", "/crates/secret-src/1.0.0/raw/logo.png"];
        foreach (var path in paths)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync(path)).StatusCode);
            // Anonymous visitors of an auth-required registry are sent to sign in first.
            var anonymous = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress }.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        }
    }

    [Fact]
    public async Task The_diff_lists_added_removed_and_changed_files_with_unified_hunks()
    {
        await using var app = await TestApp.StartAsync();
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"pub const C{i}: u32 = {i};")) + "\n";
        var after = before.Replace("pub const C10: u32 = 10;", "pub const C10: u32 = 100;", StringComparison.Ordinal);
        await PublishAsync(app, "acme-diff", "1.0.0", Files("acme-diff", "1.0.0", before).File("acme-diff-1.0.0/src/old.rs", "pub fn gone() {}\n"));
        await PublishAsync(app, "acme-diff", "1.1.0", Files("acme-diff", "1.1.0", after).File("acme-diff-1.1.0/src/new.rs", "pub fn fresh() {}\n"));

        // Without versions the page compares the newest with the one before, at its canonical address.
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        var redirect = await noRedirects.GetAsync("/crates/acme-diff/diff");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/crates/acme-diff/diff?from=1.0.0&to=1.1.0", redirect.Headers.Location!.OriginalString);

        var page = await UiCrates.GetOkPageAsync(app, "/crates/acme-diff/diff?from=1.0.0&to=1.1.0");
        var files = page.QuerySelectorAll("[data-diff-file]").ToDictionary(f => f.GetAttribute("data-diff-file")!, f => f.GetAttribute("data-change"));
        // Cargo.toml differs in its version line; src/old.rs is gone, src/new.rs is new, src/lib.rs changed.
        Assert.Equal(new Dictionary<string, string?> { ["Cargo.toml"] = "changed", ["src/lib.rs"] = "changed", ["src/new.rs"] = "added", ["src/old.rs"] = "removed" }, files);

        var lib = page.QuerySelector("[data-diff-file='src/lib.rs']")!;
        Assert.Equal("@@ -7,7 +7,7 @@", lib.QuerySelector("tr.hunk")!.TextContent.Trim());
        Assert.Equal(["pub const C10: u32 = 10;"], lib.QuerySelectorAll("tr.del td.code").Select(td => td.TextContent[1..]));
        Assert.Equal(["pub const C10: u32 = 100;"], lib.QuerySelectorAll("tr.add td.code").Select(td => td.TextContent[1..]));
        Assert.Equal(6, lib.QuerySelectorAll("tr.ctx").Length);
        Assert.Equal(["10", ""], lib.QuerySelectorAll("tr.del td.ln").Select(td => td.TextContent));

        // The crate page links both pages.
        var crate = await UiCrates.GetOkPageAsync(app, "/crates/acme-diff/1.1.0");
        Assert.Equal("/crates/acme-diff/1.1.0/source/", crate.QuerySelector("[data-browse-source]")!.GetAttribute("href"));
        Assert.Equal("/crates/acme-diff/diff?from=1.0.0&to=1.1.0", crate.QuerySelector("[data-diff-link]")!.GetAttribute("href"));
        var first = await UiCrates.GetOkPageAsync(app, "/crates/acme-diff/1.0.0");
        Assert.Null(first.QuerySelector("[data-diff-link]"));
    }

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    private static async Task PublishWithReadmeAsync(TestApp app, string name, string? repository)
    {
        var readme = "# Pictures\n\n![logo](assets/logo.png) ![diagram](./assets/flow.svg) ![fake](assets/fake.png) ![gone](assets/missing.png)\n\n"
            + "See [the guide](docs/guide.md#setup) and [the examples](examples).\n";
        var files = Files(name, "1.0.0", "pub fn f() {}\n")
            .File($"{name}-1.0.0/README.md", readme)
            .File($"{name}-1.0.0/assets/logo.png", Png)
            .File($"{name}-1.0.0/assets/flow.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")
            .File($"{name}-1.0.0/assets/fake.png", "<html><script>alert(1)</script></html>")
            .File($"{name}-1.0.0/docs/guide.md", "# Guide\n")
            .File($"{name}-1.0.0/examples/demo.rs", "fn main() {}\n")
            .File($"{name}-1.0.0/page.html", "<script>alert(1)</script>");
        var metadata = new
        {
            name, vers = "1.0.0", deps = Array.Empty<object>(), features = new Dictionary<string, string[]>(), authors = Array.Empty<string>(),
            description = "pictures", keywords = Array.Empty<string>(), categories = Array.Empty<string>(), license = "MIT",
            repository, readme_file = "README.md", readme,
        };
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(metadata, files.BuildCrate()), TestApp.AdminToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readme_images_come_from_the_crate_under_a_sandbox_and_links_open_the_source_browser()
    {
        await using var app = await TestApp.StartAsync();
        await PublishWithReadmeAsync(app, "acme-pics", repository: null);

        var page = await UiCrates.GetOkPageAsync(app, "/crates/acme-pics");
        var images = page.QuerySelectorAll("#readme img").ToDictionary(i => i.GetAttribute("alt")!, i => i.GetAttribute("src"));
        Assert.Equal("/crates/acme-pics/1.0.0/raw/assets/logo.png", images["logo"]);
        Assert.Equal("/crates/acme-pics/1.0.0/raw/assets/flow.svg", images["diagram"]);
        // Named like an image, so it is linked; the route refuses it below because its bytes are not a PNG.
        Assert.Equal("/crates/acme-pics/1.0.0/raw/assets/fake.png", images["fake"]);
        Assert.False(images.ContainsKey("gone"));
        Assert.Contains("gone", page.QuerySelector("#readme")!.TextContent, StringComparison.Ordinal);
        var links = page.QuerySelectorAll("#readme a:not(.heading-anchor)").ToDictionary(a => a.TextContent, a => a.GetAttribute("href"));
        Assert.Equal("/crates/acme-pics/1.0.0/source/docs/guide.md#setup", links["the guide"]);
        Assert.Equal("/crates/acme-pics/1.0.0/source/examples", links["the examples"]);

        var logo = await app.Client().GetAsync("/crates/acme-pics/1.0.0/raw/assets/logo.png");
        Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
        Assert.Equal("image/png", logo.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Png, await logo.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", logo.Headers.GetValues("X-Content-Type-Options").Single());

        var svg = await app.Client().GetAsync("/crates/acme-pics/1.0.0/raw/assets/flow.svg");
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType!.MediaType);
        var policy = svg.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("sandbox;", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/crates/acme-pics/1.0.0/raw/assets/fake.png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/crates/acme-pics/1.0.0/raw/page.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/crates/acme-pics/1.0.0/raw/assets/missing.png")).StatusCode);
    }

    [Fact]
    public async Task With_a_known_repository_links_go_to_it_and_images_still_come_from_the_crate()
    {
        await using var app = await TestApp.StartAsync();
        await PublishWithReadmeAsync(app, "acme-hosted", repository: "https://github.com/acme/hosted");

        var page = await UiCrates.GetOkPageAsync(app, "/crates/acme-hosted");
        Assert.Equal("/crates/acme-hosted/1.0.0/raw/assets/logo.png", page.QuerySelector("#readme img[alt=logo]")!.GetAttribute("src"));
        // An image the .crate lacks falls back to the repository's raw file.
        Assert.Equal("https://raw.githubusercontent.com/acme/hosted/HEAD/assets/missing.png", page.QuerySelector("#readme img[alt=gone]")!.GetAttribute("src"));
        var guide = page.QuerySelectorAll("#readme a").First(a => a.TextContent == "the guide");
        Assert.Equal("https://github.com/acme/hosted/blob/HEAD/docs/guide.md#setup", guide.GetAttribute("href"));
    }
}
