using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using GhostCrate.Web.Tests.Support;
using GhostCrate.Web.Ui.Assets;

namespace GhostCrate.Web.Tests.Ui;

public sealed class AssetTests
{
    /// <summary>Pages must stay light: script and style a browser transfers for one page, compressed, in bytes.</summary>
    public const long PageBudgetBytes = 150 * 1024;

    private static async Task<HttpResponseMessage> GetAsync(TestApp app, string url, string? acceptEncoding = null, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await app.Client().SendAsync(request);
    }

    [Fact]
    public void Vendored_files_match_their_manifest()
    {
        var catalog = new AssetCatalog();
        var manifest = catalog.Find("vendor/VENDORED.txt");
        Assert.NotNull(manifest);
        var lines = System.Text.Encoding.UTF8.GetString(manifest.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(6, lines.Count);
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            var asset = catalog.Find("vendor/" + parts[2]);
            Assert.NotNull(asset);
            Assert.Equal(parts[3], Convert.ToHexStringLower(SHA256.HashData(asset.Content)));
            // The precompressed copies hold exactly the same bytes.
            using var brotli = new BrotliStream(new MemoryStream(asset.Brotli!), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            brotli.CopyTo(plain);
            Assert.Equal(asset.Content, plain.ToArray());
        }
    }

    [Fact]
    public void The_graph_pages_style_hash_matches_the_vendored_cytoscape()
    {
        // cytoscape injects `.__________cytoscape_container { position: relative; }`; the graph page's CSP allows exactly
        // that sheet by hash. A cytoscape update that changes the text must update the hash too.
        var script = System.Text.Encoding.UTF8.GetString(new AssetCatalog().Find("vendor/cytoscape.min.js")!.Content);
        Assert.Contains("u.textContent=\".\"+s+\" { position: relative; }\"", script, StringComparison.Ordinal);
        var hash = Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(".__________cytoscape_container { position: relative; }")));
        Assert.Equal(GhostCrate.Web.Ui.SecurityHeaders.CytoscapeStyleHash, $"'sha256-{hash}'");
    }

    [Fact]
    public async Task Assets_are_compressed_when_accepted_and_cached_by_hash()
    {
        await using var app = await TestApp.StartAsync();
        var url = new AssetCatalog().Url("vendor/htmx.min.js");

        var br = await GetAsync(app, url, "gzip, deflate, br");
        var gzip = await GetAsync(app, url, "gzip");
        var plain = await GetAsync(app, url);
        var refused = await GetAsync(app, url, "br;q=0, gzip;q=0");

        Assert.Equal("br", Assert.Single(br.Content.Headers.ContentEncoding));
        Assert.Equal("gzip", Assert.Single(gzip.Content.Headers.ContentEncoding));
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Empty(refused.Content.Headers.ContentEncoding);
        Assert.True(br.Content.Headers.ContentLength < plain.Content.Headers.ContentLength / 2);
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", br.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Accept-Encoding", br.Headers.Vary);

        var unversioned = await GetAsync(app, "/assets/vendor/htmx.min.js");
        Assert.True(unversioned.Headers.CacheControl!.NoCache);
        var revalidated = await GetAsync(app, url, ifNoneMatch: plain.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(app, "/assets/vendor/nope.js")).StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/search?q=weight")]
    [InlineData("/crates/weight")]
    [InlineData("/crates/weight/1.0.0/graph")]
    public async Task Every_page_transfers_less_script_and_style_than_the_budget(string path)
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "weight-dep", "1.0.0");
        await UiCrates.PublishAsync(app, "weight", "1.0.0", readme: "# Weight\n", deps: [CrateFileBuilder.Dependency("weight-dep", "^1")]);
        var page = await UiCrates.GetOkPageAsync(app, path);
        var urls = page.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!)
            .Concat(page.QuerySelectorAll("link[rel=stylesheet]").Select(l => l.GetAttribute("href")!))
            .ToList();
        Assert.NotEmpty(urls);

        long total = 0;
        foreach (var url in urls)
        {
            var response = await GetAsync(app, url, "gzip, deflate, br");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            total += (await response.Content.ReadAsByteArrayAsync()).Length;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{path}: {urls.Count} files, {total} bytes of script and style transferred");
        Assert.True(total < PageBudgetBytes, $"{path} transfers {total} bytes of script and style; the budget is {PageBudgetBytes}");
    }
}
