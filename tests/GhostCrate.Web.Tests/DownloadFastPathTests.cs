using System.Net;
using GhostCrate.Core.Crates;
using GhostCrate.Web.Http;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>
/// DownloadFastPath sends .crate files before routing: it must answer exactly what the download endpoint answers
/// (and count the same downloads), and hand everything it cannot answer that way to the full pipeline.
/// </summary>
public class DownloadFastPathTests
{
    private static readonly string[] ComparedHeaders = ["Cache-Control", "ETag", "Last-Modified", "Content-Type", "Content-Length", "Accept-Ranges", "WWW-Authenticate"];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)] // a store that is not on this machine (as S3): small files from memory
    [InlineData(true, true)]
    public async Task Answers_are_the_same_with_and_without_the_fast_path(bool authRequired, bool remoteStore)
    {
        var settings = new Dictionary<string, string?> { ["Registry:AuthRequired"] = authRequired ? "true" : "false" };
        Action<IServiceCollection> store = remoteStore ? RemoteLikeBlobStore.Use : _ => { };
        await using var fast = await TestApp.StartAsync(settings, store);
        Assert.Equal(HttpStatusCode.OK, (await fast.PublishAsync(CrateFileBuilder.Valid("fastdl", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fast.PublishAsync(CrateFileBuilder.Valid("Mixed_Case", "1.0.0-beta.1").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fast.PublishAsync(CrateFileBuilder.Valid("fastdl", "1.1.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fast.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/fastdl/1.1.0/yank")).StatusCode);
        // Larger than SmallFileCache keeps and than one PieceCopySendFile piece: sent from the file in several pieces.
        var noise = new byte[700 * 1024];
        new Random(7).NextBytes(noise);
        var big = CrateFileBuilder.Valid("bigdl", "1.0.0").File("bigdl-1.0.0/src/noise.bin", noise);
        Assert.True(big.BuildCrate().Length > 2 * PieceCopySendFile.PieceBytes);
        var bigPublish = await fast.PublishAsync(big.PublishBody());
        Assert.True(bigPublish.StatusCode == HttpStatusCode.OK, await bigPublish.Content.ReadAsStringAsync());
        // A second server on the same data directory, without the fast path: the endpoint answers there.
        await using var slow = await TestApp.StartAsync(new(settings) { ["DataDir"] = fast.DataDir }, services =>
        {
            store(services);
            WithoutFastPath(services);
        });

        var first = await fast.Client(TestApp.AdminToken).GetAsync("/api/v1/crates/fastdl/1.0.0/download");
        var etag = first.Headers.ETag!.Tag;
        var lastModified = first.Content.Headers.LastModified!.Value;
        var requests = new List<Func<HttpRequestMessage>>();
        foreach (var token in new string?[] { null, TestApp.AdminToken, "gcr_wrong_wrong_wrong_wrong_wrong" })
        {
            foreach (var path in new[]
            {
                "/api/v1/crates/fastdl/1.0.0/download", "/API/V1/CRATES/fastdl/1.0.0/DOWNLOAD", "/api/v1/crates/FastDL/1.0.0/download",
                "/api/v1/crates/fastdl/1.1.0/download", "/api/v1/crates/mixed-case/1.0.0-beta.1/download", "/api/v1/crates/Mixed_Case/1.0.0-beta.1/download",
                "/api/v1/crates/fastdl/9.9.9/download", "/api/v1/crates/nothing/1.0.0/download", "/api/v1/crates/fastdl/1.0.0/download/",
                "/api/v1/crates/fast%20dl/1.0.0/download", "/api/v1/crates/fastdl/1.0.0/downloads", "/api/v1/crates/bigdl/1.0.0/download",
            })
            {
                requests.Add(() => Request(HttpMethod.Get, path, token));
                requests.Add(() => Request(HttpMethod.Head, path, token));
                requests.Add(() => Request(HttpMethod.Post, path, token));
            }
            const string file = "/api/v1/crates/fastdl/1.0.0/download";
            const string bigFile = "/api/v1/crates/bigdl/1.0.0/download";
            requests.Add(() => Request(HttpMethod.Get, bigFile, token, r => r.Headers.TryAddWithoutValidation("Range", "bytes=300000-300099")));
            requests.Add(() => Request(HttpMethod.Get, bigFile, token, r => r.Headers.IfModifiedSince = lastModified.AddDays(-1)));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("If-None-Match", etag)));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"other\"")));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("If-None-Match", "*")));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("If-None-Match", $"\"other\", W/{etag}")));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.IfModifiedSince = lastModified));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.IfModifiedSince = lastModified.AddSeconds(-1)));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.IfUnmodifiedSince = lastModified.AddDays(-1)));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("Range", "bytes=0-9")));
        }

        foreach (var make in requests)
        {
            // Counted downloads reach the shared database when a server flushes: flush both first, so that a flush
            // between the two requests cannot make the statistics route (`.../downloads`) answer differently.
            await fast.Services.GetRequiredService<DownloadCounter>().FlushAsync(CancellationToken.None);
            await slow.Services.GetRequiredService<DownloadCounter>().FlushAsync(CancellationToken.None);
            await FastPathComparison.AssertSameAnswerAsync(fast, slow, make, ComparedHeaders);
        }
    }

    [Fact]
    public async Task A_remote_stores_small_file_is_read_once_checked_against_its_checksum_and_then_served_from_memory()
    {
        await using var app = await TestApp.StartAsync(overrideServices: RemoteLikeBlobStore.Use);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("remotedl", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("remotedl", "1.0.1").PublishBody())).StatusCode);
        var store = (RemoteLikeBlobStore)app.Services.GetRequiredService<Core.Storage.IBlobStore>();
        var counter = app.Services.GetRequiredService<DownloadCounter>();
        await counter.FlushAsync(CancellationToken.None);
        var readsBefore = store.Reads;

        var bodies = new List<byte[]>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await app.Client().GetAsync("/api/v1/crates/remotedl/1.0.0/download");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add(await response.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(1, store.Reads - readsBefore);
        Assert.All(bodies, body => Assert.Equal(bodies[0], body));
        await counter.FlushAsync(CancellationToken.None);
        var downloads = await app.Client().GetStringAsync("/api/v1/crates/remotedl");
        Assert.Contains("\"downloads\":5", downloads, StringComparison.Ordinal);

        // Bytes that do not match the published checksum are never kept or served from memory: the endpoint streams
        // what the store holds (cargo then refuses it by its checksum), and every request reaches the store again.
        var path = Path.Combine(app.DataDir, "blobs", "crates", "remotedl", "remotedl-1.0.1.crate");
        Assert.True(File.Exists(path), path);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);
        readsBefore = store.Reads;
        for (var i = 0; i < 2; i++)
        {
            using var response = await app.Client().GetAsync("/api/v1/crates/remotedl/1.0.1/download");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        }
        Assert.True(store.Reads - readsBefore >= 2, $"{store.Reads - readsBefore} reads");
    }

    [Fact]
    public async Task Answers_existing_files_itself_counts_them_and_hands_everything_else_on()
    {
        await using var app = await TestApp.StartAsync();
        var crate = CrateFileBuilder.Valid("fastdl", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(crate.PublishBody())).StatusCode);
        var counter = app.Services.GetRequiredService<DownloadCounter>();
        await counter.FlushAsync(CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            var (handedOn, context) = await InvokeAsync(app, "GET", "/api/v1/crates/fastdl/1.0.0/download");
            Assert.False(handedOn);
            Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
            Assert.Equal(await (await app.Client().GetAsync("/api/v1/crates/fastdl/1.0.0/download")).Content.ReadAsByteArrayAsync(), ((MemoryStream)context.Response.Body).ToArray());
        }
        // Three direct calls and three over HTTP, all through the fast path, all counted once.
        await counter.FlushAsync(CancellationToken.None);
        var crateJson = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/fastdl"));
        Assert.Equal(6, crateJson.GetProperty("crate").GetProperty("downloads").GetInt64());

        foreach (var (method, path) in new[] { ("HEAD", "/api/v1/crates/fastdl/1.0.0/download"), ("GET", "/api/v1/crates/fastdl/2.0.0/download"), ("GET", "/api/v1/crates/fastdl/1.0.0"), ("GET", "/api/v1/crates/fast.dl/1.0.0/download"), ("GET", "/index/fa/st/fastdl") })
        {
            var (handedOn, context) = await InvokeAsync(app, method, path);
            Assert.True(handedOn, $"{method} {path} should go through the pipeline");
            Assert.Equal(0, context.Response.Body.Length);
        }
    }

    [Fact]
    public async Task A_file_lost_from_storage_is_answered_as_missing_once_its_stat_is_due_again()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(overrideServices: s => s.AddSingleton<TimeProvider>(clock));
        var crate = CrateFileBuilder.Valid("lostdl", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(crate.PublishBody())).StatusCode);
        const string path = "/api/v1/crates/lostdl/1.0.0/download";
        var served = await app.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var bytes = await served.Content.ReadAsByteArrayAsync();

        var file = Assert.Single(Directory.GetFiles(app.DataDir, "*.crate", SearchOption.AllDirectories));
        File.Delete(file);
        // A published file never changes, so its last stat is trusted for a few seconds (its bytes are still right)...
        var stillTrusted = await app.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, stillTrusted.StatusCode);
        Assert.Equal(bytes, await stillTrusted.Content.ReadAsByteArrayAsync());

        // ...and then looked at again: the loss is reported as the endpoint reports it.
        clock.Advance(LocalFileMemory.Recheck);
        var lost = await app.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, lost.StatusCode);
        Assert.Contains("\"errors\"", await lost.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_stat_that_finds_the_file_unchanged_keeps_what_was_made_for_it()
    {
        // Each new LocalCrateFile (path, ETag and date texts) lived seconds, long enough for the GC's oldest generation:
        // re-made for 20k files every 5 s it added tens of MB to the server's peak memory.
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(overrideServices: s => s.AddSingleton<TimeProvider>(clock));
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("keepdl", "1.0.0").PublishBody())).StatusCode);
        var downloads = app.Services.GetRequiredService<DownloadService>();

        var first = await downloads.FindLocalFileAsync("keepdl", "1.0.0", CancellationToken.None);
        clock.Advance(LocalFileMemory.Recheck);
        var unchanged = await downloads.FindLocalFileAsync("keepdl", "1.0.0", CancellationToken.None);
        Assert.Same(first, unchanged);

        File.SetLastWriteTimeUtc(first!.Path, first.LastModified.UtcDateTime.AddMinutes(-1));
        clock.Advance(LocalFileMemory.Recheck);
        var changed = await downloads.FindLocalFileAsync("keepdl", "1.0.0", CancellationToken.None);
        Assert.NotSame(first, changed);
        Assert.Equal(first.LastModified.AddMinutes(-1), changed!.LastModified);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"other\", W/ETAG")]
    [InlineData("ETAG")]
    public async Task If_none_match_is_read_as_a_list_of_tags_or_a_star(string header)
    {
        // RFC 9110 §13.1.2, the same reading as index files (EntityTags): `*` and a weak tag in a list both match.
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("inm", "1.0.0").PublishBody())).StatusCode);
        const string path = "/api/v1/crates/inm/1.0.0/download";
        var etag = (await app.Client().GetAsync(path)).Headers.ETag!.Tag;

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", header.Replace("ETAG", etag, StringComparison.Ordinal));
        var response = await app.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task A_changed_file_is_never_served_from_the_small_file_cache()
    {
        var cache = new SmallFileCache(budgetBytes: 1024 * 1024);
        var path = Path.Combine(Path.GetTempPath(), "gc-small-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(path, [1, 2, 3]);
            var first = new FileInfo(path);
            Assert.Equal([1, 2, 3], cache.Get(path, first.Length, first.LastWriteTimeUtc));

            await File.WriteAllBytesAsync(path, [4, 5, 6, 7]);
            File.SetLastWriteTimeUtc(path, first.LastWriteTimeUtc.AddSeconds(5));
            var second = new FileInfo(path);
            Assert.Equal([4, 5, 6, 7], cache.Get(path, second.Length, second.LastWriteTimeUtc));

            Assert.Null(cache.Get(path, SmallFileCache.MaxFileBytes + 1, second.LastWriteTimeUtc));
            Assert.Null(cache.Get(path, second.Length + 1, second.LastWriteTimeUtc.AddSeconds(5))); // shorter than its stat said
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_full_small_file_cache_starts_over_at_most_once_a_minute_and_serves_misses_meanwhile()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var cache = new SmallFileCache(budgetBytes: 8, clock);
        var folder = Directory.CreateTempSubdirectory("gc-small-");
        try
        {
            byte[]? Get(string name)
            {
                var path = Path.Combine(folder.FullName, name);
                if (!File.Exists(path)) File.WriteAllBytes(path, [1, 2, 3]);
                var info = new FileInfo(path);
                return cache.Get(path, info.Length, info.LastWriteTimeUtc);
            }
            Get("a"); Get("b");
            Assert.Equal(6, cache.SizeBytes);
            Get("c"); // full: the first start over
            Assert.Equal(3, cache.SizeBytes);
            Get("d");
            Assert.Equal([1, 2, 3], Get("e")); // full again within the minute: served, not kept, nothing dropped
            Assert.Equal(6, cache.SizeBytes);
            clock.Advance(Core.Caching.StartOverGate.Interval);
            Get("f");
            Assert.Equal(3, cache.SizeBytes);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_zero_budget_keeps_nothing_and_still_reads_small_files()
    {
        var cache = new SmallFileCache(budgetBytes: 0);
        var path = Path.Combine(Path.GetTempPath(), "gc-small-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(path, [1, 2, 3]);
            var info = new FileInfo(path);
            Assert.Equal([1, 2, 3], cache.Get(path, info.Length, info.LastWriteTimeUtc));
            Assert.Equal(0, cache.SizeBytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_download_cache_setting_of_zero_still_serves_small_crates()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:DownloadCacheMegabytes"] = "0" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("nocache", "1.0.0").PublishBody())).StatusCode);
        var downloaded = await app.Client().GetByteArrayAsync("/api/v1/crates/nocache/1.0.0/download");
        var checksum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(downloaded));
        Assert.Contains($"\"cksum\":\"{checksum}\"", await app.Client().GetStringAsync("/index/no/ca/nocache"));
        Assert.Equal(0, app.Services.GetRequiredService<SmallFileCache>().SizeBytes);
    }

    private static Task<(bool HandedOn, HttpContext Context)> InvokeAsync(TestApp app, string method, string path) =>
        FastPathComparison.InvokeDownloadFastPathAsync(app, method, path);

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token, Action<HttpRequestMessage>? configure = null) =>
        FastPathComparison.Request(method, path, token, configure);

    private static string HeaderValue(HttpResponseMessage response, string name) => FastPathComparison.HeaderValue(response, name);

    private static void WithoutFastPath(IServiceCollection services) => FastPathComparison.Without<DownloadFastPathStartupFilter>(services);
}

public class DownloadCountFlusherTests
{
    [Theory]
    [InlineData(0, 1000)]       // an idle or quick flush: once a second
    [InlineData(20, 1000)]
    [InlineData(100, 2000)]     // a flush of 100 ms: 2 s pause, so flushing takes under 5 % of the time
    [InlineData(900, 18000)]
    [InlineData(5000, 30000)]   // never more than MaxInterval behind
    public void The_pause_after_a_flush_grows_with_its_cost(int flushMs, int expectedPauseMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedPauseMs), DownloadCountFlusher.NextDelay(TimeSpan.FromMilliseconds(flushMs)));
}
