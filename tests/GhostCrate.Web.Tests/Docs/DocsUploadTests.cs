using System.Net;
using System.Net.Http.Headers;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Docs;

/// <summary>PUT /api/v1/docs/{crate}/{version} and what /docs then serves (docs/rustdoc.md).</summary>
public class DocsUploadTests
{
    public static Task<HttpResponseMessage> UploadAsync(TestApp app, string crate, string version, byte[] archive, string? token = TestApp.AdminToken)
    {
        var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return app.Client(token).PutAsync($"/api/v1/docs/{crate}/{version}", content);
    }

    private static async Task PublishAsync(TestApp app, string name, string version)
    {
        var response = await app.PublishAsync(CrateFileBuilder.Valid(name, version).PublishBody());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static IReadOnlyList<string> DocsBlobs(TestApp app) => app.BlobFiles().Where(f => f.StartsWith("docs/", StringComparison.Ordinal)).ToList();

    [Theory]
    [InlineData("zip")]
    [InlineData("tar.gz")]
    public async Task An_uploaded_archive_is_served_with_the_sandbox_headers(string format)
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "doc-demo", "0.1.0");
        var builder = DocsArchiveBuilder.Rustdoc("doc-demo");
        var response = await UploadAsync(app, "doc-demo", "0.1.0", format == "zip" ? builder.Zip() : builder.TarGz());
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var receipt = await Json.ReadAsync(response);
        Assert.Equal(5, receipt.GetProperty("files").GetInt32());
        Assert.Equal("/docs/doc-demo/0.1.0/", receipt.GetProperty("url").GetString());

        var page = await app.Client().GetAsync("/docs/doc-demo/0.1.0/doc_demo/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Crate doc_demo", await page.Content.ReadAsStringAsync());
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("sandbox allow-scripts allow-popups", string.Join(";", page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.NotNull(page.Headers.ETag);
        Assert.Contains("max-age", page.Headers.CacheControl!.ToString());

        var script = await app.Client().GetAsync("/docs/doc-demo/0.1.0/static.files/main.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True(script.Headers.CacheControl!.MaxAge >= TimeSpan.FromDays(365), script.Headers.CacheControl.ToString());

        var again = new HttpRequestMessage(HttpMethod.Get, "/docs/doc-demo/0.1.0/doc_demo/index.html");
        again.Headers.IfNoneMatch.Add(page.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await app.Client().SendAsync(again)).StatusCode);

        // The version root leads to the library's page; a missing file is a 404.
        var root = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress }.GetAsync("/docs/doc-demo/0.1.0/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/docs/doc-demo/0.1.0/doc_demo/index.html", root.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/docs/doc-demo/0.1.0/nothing.html")).StatusCode);
        Assert.All(DocsBlobs(app), f => Assert.StartsWith("docs/doc-demo/0.1.0/", f));

        // The crate page links the shown version's docs.
        Assert.Contains("href=\"/docs/doc-demo/0.1.0/\" data-docs-link", await app.Client().GetStringAsync("/crates/doc-demo"));
    }

    public static TheoryData<string, Func<byte[]>, HttpStatusCode, string> HostileArchives => new()
    {
        { "zip slip (zip)", () => DocsArchiveBuilder.Rustdoc("evil").File("doc/../../../../tmp/evil.html", "x").Zip(), HttpStatusCode.BadRequest, ".." },
        { "zip slip (tar)", () => DocsArchiveBuilder.Rustdoc("evil").File("doc/../../evil.html", "x").TarGz(), HttpStatusCode.BadRequest, ".." },
        { "absolute path", () => DocsArchiveBuilder.Rustdoc("evil").File("/etc/cron.d/evil", "x").TarGz(), HttpStatusCode.BadRequest, "absolute" },
        { "symlink (tar)", () => DocsArchiveBuilder.Rustdoc("evil").Symlink("doc/evil/passwd.html", "/etc/passwd").TarGz(), HttpStatusCode.BadRequest, "symbolic link" },
        { "symlink (zip)", () => DocsArchiveBuilder.Rustdoc("evil").Symlink("doc/evil/passwd.html", "/etc/passwd").Zip(), HttpStatusCode.BadRequest, "symbolic link" },
        { "fifo", () => DocsArchiveBuilder.Rustdoc("evil").Fifo("doc/evil/pipe").TarGz(), HttpStatusCode.BadRequest, "fifo" },
        { "oversize upload", () => DocsArchiveBuilder.Rustdoc("evil").File("doc/evil/big.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(300 * 1024)).Zip(), HttpStatusCode.RequestEntityTooLarge, "larger than" },
        { "oversize unpacked", () => DocsArchiveBuilder.Rustdoc("evil").File("doc/evil/zeros.bin", new byte[3 * 1024 * 1024]).Zip(), HttpStatusCode.RequestEntityTooLarge, "unpacks to more than" },
        { "too many entries", () => ManyFiles(), HttpStatusCode.RequestEntityTooLarge, "entries" },
        { "not an archive", () => "<html>hello</html>"u8.ToArray(), HttpStatusCode.BadRequest, "neither a zip nor a .tar.gz" },
        { "no index.html", () => new DocsArchiveBuilder().File("doc/readme.txt", "x").Zip(), HttpStatusCode.BadRequest, "index.html" },
    };

    private static byte[] ManyFiles()
    {
        var builder = DocsArchiveBuilder.Rustdoc("evil");
        for (var i = 0; i < 250; i++) builder.File($"doc/evil/f{i}.html", "");
        return builder.Zip();
    }

    [Theory]
    [MemberData(nameof(HostileArchives))]
    public async Task A_hostile_or_oversize_archive_is_refused_in_cargos_envelope_and_nothing_is_stored(string why, Func<byte[]> archive, HttpStatusCode status, string mentioned)
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["Docs:MaxUploadBytes"] = (256 * 1024).ToString(),
            ["Docs:MaxUnpackedBytes"] = (2 * 1024 * 1024).ToString(),
            ["Docs:MaxFiles"] = "200",
        });
        await PublishAsync(app, "evil", "1.0.0");
        var response = await UploadAsync(app, "evil", "1.0.0", archive());
        Assert.True(response.StatusCode == status, $"{why}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Contains(mentioned, await Json.ErrorDetailAsync(response));
        Assert.Empty(DocsBlobs(app));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/docs/evil/1.0.0/evil/index.html")).StatusCode);
    }

    [Fact]
    public async Task Only_owners_with_the_publish_scope_may_upload_and_only_for_published_versions()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "owned", "1.0.0");
        var archive = DocsArchiveBuilder.Rustdoc("owned").Zip();

        var anonymous = await UploadAsync(app, "owned", "1.0.0", archive, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var stranger = await UploadAsync(app, "owned", "1.0.0", archive, await Users.CreateWithTokenAsync(app, "stranger"));
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.Contains("not an owner", await Json.ErrorDetailAsync(stranger));
        var yankOnly = await Users.CreateWithTokenAsync(app, "yanker", new TokenScopes([TokenScopes.Yank], null));
        var scoped = await UploadAsync(app, "owned", "1.0.0", archive, yankOnly);
        Assert.Equal(HttpStatusCode.Forbidden, scoped.StatusCode);
        var unknownVersion = await UploadAsync(app, "owned", "9.9.9", archive);
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
        Assert.Contains("9.9.9", await Json.ErrorDetailAsync(unknownVersion));
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(app, "no-such-crate", "1.0.0", archive)).StatusCode);
        Assert.Empty(DocsBlobs(app));
    }

    [Fact]
    public async Task A_new_upload_replaces_the_docs_and_the_old_files_are_deleted()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "swapped", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(app, "swapped", "1.0.0", DocsArchiveBuilder.Rustdoc("swapped").File("doc/swapped/old.html", "old").Zip())).StatusCode);
        var first = await app.Client().GetAsync("/docs/swapped/1.0.0/swapped/old.html");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstFiles = DocsBlobs(app);

        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(app, "swapped", "1.0.0", DocsArchiveBuilder.Rustdoc("swapped").File("doc/swapped/new.html", "new").TarGz())).StatusCode);
        Assert.Equal("new", await app.Client().GetStringAsync("/docs/swapped/1.0.0/swapped/new.html"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/docs/swapped/1.0.0/swapped/old.html")).StatusCode);
        var second = await app.Client().GetAsync("/docs/swapped/1.0.0/swapped/index.html");
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);

        // The replaced generation is deleted by a queued job: poll until it is gone (bounded by a deadline).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DocsBlobs(app).Intersect(firstFiles).Any() && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Empty(DocsBlobs(app).Intersect(firstFiles));
        Assert.Equal(6, DocsBlobs(app).Count);
    }

    [Fact]
    public async Task An_upload_whose_storage_gives_out_half_way_leaves_the_previous_docs_served_and_none_of_its_files()
    {
        await using var app = await TestApp.StartAsync(overrideServices: FailingPutsBlobStore.Use);
        await PublishAsync(app, "halfway", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(app, "halfway", "1.0.0", DocsArchiveBuilder.Rustdoc("halfway").File("doc/halfway/old.html", "old").Zip())).StatusCode);
        var before = DocsBlobs(app).Order(StringComparer.Ordinal).ToList();
        var etag = (await app.Client().GetAsync("/docs/halfway/1.0.0/halfway/index.html")).Headers.ETag;

        // The next upload's third file cannot be stored: the upload fails after two files of its generation were written.
        ((FailingPutsBlobStore)app.Services.GetRequiredService<Core.Storage.IBlobStore>()).FailAfter("docs/halfway/1.0.0/", succeeding: 2);
        var failed = await UploadAsync(app, "halfway", "1.0.0", DocsArchiveBuilder.Rustdoc("halfway").File("doc/halfway/new.html", "new").TarGz());
        Assert.True((int)failed.StatusCode >= 500, $"{failed.StatusCode} {await failed.Content.ReadAsStringAsync()}");

        // Nothing of it was swapped in or left behind: the old generation is served as it was, and is all that is stored.
        Assert.Equal("old", await app.Client().GetStringAsync("/docs/halfway/1.0.0/halfway/old.html"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/docs/halfway/1.0.0/halfway/new.html")).StatusCode);
        Assert.Equal(etag, (await app.Client().GetAsync("/docs/halfway/1.0.0/halfway/index.html")).Headers.ETag);
        Assert.Equal(before, DocsBlobs(app).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Latest_redirects_to_the_newest_unyanked_version_with_docs_and_yanked_docs_say_so()
    {
        await using var app = await TestApp.StartAsync();
        foreach (var version in new[] { "1.0.0", "1.1.0", "2.0.0-beta.1" })
        {
            await PublishAsync(app, "multi", version);
            Assert.Equal(HttpStatusCode.OK, (await UploadAsync(app, "multi", version, DocsArchiveBuilder.Rustdoc("multi").Zip())).StatusCode);
        }
        await PublishAsync(app, "multi", "1.2.0"); // no docs
        var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        var latest = await noRedirects.GetAsync("/docs/multi/latest/multi/index.html");
        Assert.Equal(HttpStatusCode.Redirect, latest.StatusCode);
        Assert.Equal("/docs/multi/1.1.0/multi/index.html", latest.Headers.Location?.ToString());

        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/multi/1.1.0/yank")).StatusCode);
        latest = await noRedirects.GetAsync("/docs/multi/latest/");
        Assert.Equal("/docs/multi/1.0.0/", latest.Headers.Location?.ToString());

        var yanked = await app.Client().GetAsync("/docs/multi/1.1.0/multi/index.html");
        Assert.Equal(HttpStatusCode.OK, yanked.StatusCode);
        var html = await yanked.Content.ReadAsStringAsync();
        Assert.Contains("data-ghostcrate-yanked", html);
        Assert.Contains("has been yanked", html);
        Assert.DoesNotContain("data-ghostcrate-yanked", await app.Client().GetStringAsync("/docs/multi/1.0.0/multi/index.html"));

        Assert.DoesNotContain("data-docs-link", await app.Client().GetStringAsync("/crates/multi/1.2.0"));
        var listing = await app.Client().GetStringAsync("/docs/multi");
        Assert.Contains("/docs/multi/1.0.0/", listing);
        Assert.Contains("data-version=\"1.2.0\"", listing);
    }

    [Fact]
    public async Task With_a_docs_origin_the_registry_origin_redirects_there()
    {
        await using var app = await TestApp.StartAsync(new() { ["Docs:Origin"] = "http://docs.example.test" });
        var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        var response = await noRedirects.GetAsync("/docs/anything/1.0.0/x/index.html?search=y");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://docs.example.test/docs/anything/1.0.0/x/index.html?search=y", response.Headers.Location?.ToString());

        // On the docs origin itself the files are served, still in the sandbox.
        await PublishAsync(app, "elsewhere", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(app, "elsewhere", "1.0.0", DocsArchiveBuilder.Rustdoc("elsewhere").Zip())).StatusCode);
        var onDocsOrigin = new HttpRequestMessage(HttpMethod.Get, "/docs/elsewhere/1.0.0/elsewhere/index.html");
        onDocsOrigin.Headers.Host = "docs.example.test";
        var served = await noRedirects.SendAsync(onDocsOrigin);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("Crate elsewhere", await served.Content.ReadAsStringAsync());
        Assert.Equal("sandbox allow-scripts allow-popups", string.Join(";", served.Headers.GetValues("Content-Security-Policy")));
    }
}
