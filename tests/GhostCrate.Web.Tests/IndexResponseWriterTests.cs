using System.Net;
using GhostCrate.Core.Index;
using GhostCrate.Mirror.Storage;
using GhostCrate.Protocol.Index;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests;

/// <summary>
/// One response writer for every index mount (Web/Http/IndexFileResponses.cs, CrateFileResponses.cs): the private
/// index, a proxied upstream (a second GhostCrate, ProxyPair) and an offline mirror answer index files with the same
/// ETag format, Cache-Control per auth mode, HEAD and 304; config.json is never publicly cacheable without
/// Registry:PublicUrl (its URLs come from the Host header); and downloads from every source, the mirror's included, are
/// only privately cacheable in auth-required mode.
/// </summary>
public sealed class IndexResponseWriterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Private_proxied_and_mirrored_index_files_and_downloads_share_one_set_of_rules(bool authRequired)
    {
        var mirror = Path.Combine(Path.GetTempPath(), "gc-writer-mirror-" + Guid.NewGuid().ToString("N"));
        var layout = new MirrorLayout(mirror);
        var mirrorIndex = layout.IndexFile("mirrored");
        Directory.CreateDirectory(Path.GetDirectoryName(mirrorIndex)!);
        await File.WriteAllTextAsync(mirrorIndex, """{"name":"mirrored","vers":"1.0.0","deps":[],"cksum":"aa","features":{},"yanked":false}""" + "\n", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(mirror, "crates", "mirrored"));
        await File.WriteAllBytesAsync(Path.Combine(mirror, "crates", "mirrored", "mirrored-1.0.0.crate"), CrateFileBuilder.Valid("mirrored", "1.0.0").BuildCrate(), TestContext.Current.CancellationToken);
        try
        {
            await using var pair = await ProxyPair.StartAsync(new()
            {
                ["Mirror:Directory"] = mirror,
                ["Registry:AuthRequired"] = authRequired ? "true" : "false",
            });
            var app = pair.Proxy;
            await pair.PublishUpstreamAsync("remote", "1.0.0");
            Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("own", "1.0.0").PublishBody())).StatusCode);
            var client = authRequired ? app.Client(TestApp.AdminToken) : app.Client();
            var scope = authRequired ? "private" : "public";

            foreach (var (mount, name) in new[] { ("/index", "own"), ("/crates-io/index", "remote"), ("/mirror/index", "mirrored") })
            {
                var path = $"{mount}/{IndexPath.ForCrate(name)}";
                using var get = await client.GetAsync(path, TestContext.Current.CancellationToken);
                Assert.True(get.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)get.StatusCode}");
                var body = await get.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
                var etag = get.Headers.ETag;
                Assert.NotNull(etag);
                Assert.False(etag.IsWeak);
                Assert.Equal(SparseIndexService.ETagOf(body), etag.Tag); // one validator format for every source
                Assert.Equal($"{scope}, no-cache", CacheControl(get));
                Assert.Equal("text/plain; charset=utf-8", get.Content.Headers.ContentType?.ToString());

                using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                Assert.Equal(etag, head.Headers.ETag);
                Assert.Equal($"{scope}, no-cache", CacheControl(head));
                Assert.Empty(await head.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));

                using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
                conditional.Headers.IfNoneMatch.Add(etag);
                using var notModified = await client.SendAsync(conditional, TestContext.Current.CancellationToken);
                Assert.True(notModified.StatusCode == HttpStatusCode.NotModified, $"revalidating {path}: {(int)notModified.StatusCode}");
                Assert.Equal(etag, notModified.Headers.ETag);
                Assert.Equal($"{scope}, no-cache", CacheControl(notModified));

                // Host-derived URLs (no Registry:PublicUrl): never for a shared cache, in either mode.
                using var config = await client.GetAsync($"{mount}/config.json", TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, config.StatusCode);
                Assert.Equal("private, no-cache", CacheControl(config));
            }

            foreach (var path in new[] { "/api/v1/crates/own/1.0.0/download", "/crates-io/api/v1/crates/remote/1.0.0/download", "/mirror/crates/mirrored/1.0.0/download" })
            {
                using var download = await client.GetAsync(path, TestContext.Current.CancellationToken);
                Assert.True(download.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)download.StatusCode}");
                Assert.Equal($"{scope}, max-age=31536000, immutable", CacheControl(download));
            }
        }
        finally
        {
            Directory.Delete(mirror, recursive: true);
        }
    }

    /// <summary>The header as sent (HttpClient's parsed value would reorder the directives).</summary>
    private static string CacheControl(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("Cache-Control", out var values) ? string.Join(", ", values) : "";
}
