using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>Publishes crates with chosen READMEs, dependencies and links, and fetches pages as parsed HTML.</summary>
public static class UiCrates
{
    public static async Task PublishAsync(TestApp app, string name, string version, string? readme = null, object[]? deps = null,
        Dictionary<string, string[]>? features = null, string? repository = null, string? description = null, string[]? keywords = null, string? token = TestApp.AdminToken)
    {
        var files = new CrateFileBuilder(name, version)
            .File($"{name}-{version}/Cargo.toml", $"[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nreadme = \"README.md\"\n")
            .File($"{name}-{version}/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
        if (readme is not null) files.File($"{name}-{version}/README.md", readme);
        var metadata = new
        {
            name,
            vers = version,
            deps = deps ?? [],
            features = features ?? new Dictionary<string, string[]>(),
            authors = Array.Empty<string>(),
            description = description ?? $"The {name} crate",
            keywords = keywords ?? ["test"],
            categories = Array.Empty<string>(),
            license = "MIT",
            repository,
            readme_file = readme is null ? null : "README.md",
        };
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(metadata, files.BuildCrate()), token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"publish of {name} {version} failed: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<(HttpResponseMessage Response, IHtmlDocument Document)> GetPageAsync(TestApp app, string path)
    {
        var response = await app.Client().GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        return (response, new HtmlParser().ParseDocument(html));
    }

    public static async Task<IHtmlDocument> GetOkPageAsync(TestApp app, string path)
    {
        var (response, document) = await GetPageAsync(app, path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return document;
    }

    public static async Task DownloadAsync(TestApp app, string name, string version, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            var response = await app.Client().GetAsync($"/api/v1/crates/{name}/{version}/download");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>Writes the in-memory download counts now instead of waiting for the timer.</summary>
    public static Task FlushDownloadsAsync(TestApp app) =>
        app.Services.GetRequiredService<GhostCrate.Core.Crates.DownloadCounter>().FlushAsync(CancellationToken.None);
}
