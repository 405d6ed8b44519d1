using System.IO.Compression;
using System.Net;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Rustdoc made by the real cargo, uploaded and served on each lane's storage (files on the SQLite lane, S3 on the
/// PostgreSQL lane): docs/rustdoc.md.
/// </summary>
public sealed class DocsTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Cargo_doc_output_is_uploaded_stored_and_served_and_a_hostile_archive_stores_nothing()
    {
        var name = $"docs-{Ids.New()}";
        var project = await Cargo.NewLibAsync(name, "0.1.0", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "//! Lane docs.\n/// A documented widget.\npub struct LaneWidget;\n",
        });
        await Cargo.PublishOkAsync(project);
        await Cargo.RunOkAsync(project.Directory, ["doc", "--no-deps", "--offline"]);
        var docFolder = Path.Combine(Cargo.TargetDir, "doc");

        var hostile = new DocsArchiveBuilder().File($"doc/{project.RustName}/index.html", "x").Symlink("doc/passwd.html", "/etc/passwd").TarGz();
        var refused = await UploadAsync(name, hostile);
        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.Describe());
        Assert.Contains("symbolic link", refused.ErrorDetails().Single());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/docs/{name}/0.1.0/{project.RustName}/index.html", cancellationToken: Cancel)).Status);

        using var zipped = new MemoryStream();
        ZipFile.CreateFromDirectory(docFolder, zipped);
        var upload = await UploadAsync(name, zipped.ToArray());
        Assert.True(upload.Status == HttpStatusCode.OK, upload.Describe());

        var page = await Http.GetAsync($"/docs/{name}/0.1.0/{project.RustName}/index.html", cancellationToken: Cancel);
        Assert.True(page.Status == HttpStatusCode.OK, page.Describe());
        Assert.Contains("LaneWidget", page.Body);
        Assert.Equal("sandbox allow-scripts allow-popups", page.Message.Headers.GetValues("Content-Security-Policy").Single());
        var item = await Http.GetAsync($"/docs/{name}/0.1.0/{project.RustName}/struct.LaneWidget.html", cancellationToken: Cancel);
        Assert.True(item.Status == HttpStatusCode.OK, item.Describe());
        Assert.Contains("A documented widget", item.Body);
    }

    private Task<HttpAnswer> UploadAsync(string name, byte[] archive)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/docs/{name}/0.1.0") { Content = new ByteArrayContent(archive) };
        return Http.SendAsync(request, Server.AdminToken, Cancel);
    }
}
