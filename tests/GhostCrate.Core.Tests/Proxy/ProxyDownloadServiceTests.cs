using System.Net;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Proxy;

namespace GhostCrate.Core.Tests.Proxy;

public class ProxyDownloadServiceTests
{
    private static readonly byte[] Crate = Encoding.UTF8.GetBytes("pretend this is a gzipped tarball");
    private static readonly string Sum = Convert.ToHexStringLower(SHA256.HashData(Crate));

    private static string Line(string version, string cksum) =>
        $"{{\"name\":\"demo\",\"vers\":\"{version}\",\"deps\":[],\"cksum\":\"{cksum}\",\"features\":{{}},\"yanked\":false}}\n";

    private static ScriptedUpstream Upstream(string index, byte[] crate, string dl = "http://dl.test/{crate}/{crate}-{version}.crate") =>
        new(request => request.RequestUri!.AbsolutePath switch
        {
            "/index/config.json" => ScriptedUpstream.Body($"{{\"dl\":\"{dl}\"}}"),
            "/index/de/mo/demo" => ScriptedUpstream.Body(index),
            _ when request.RequestUri.Host == "dl.test" || request.RequestUri.Host == "cdn.test" => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(crate) },
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        });

    [Fact]
    public async Task The_first_download_is_verified_and_stored_then_served_from_storage()
    {
        var h = new ProxyHarness(Upstream(Line("1.0.0", Sum), Crate));

        var first = await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None);
        await h.StoredAsync();
        Assert.Equal(Crate, h.Blobs.Blobs["proxy/crates-io/demo/demo-1.0.0.crate"]);
        var second = await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None);

        Assert.Equal(ProxyDownloadStatus.Found, first.Status);
        Assert.Equal(ProxyDownloadStatus.Found, second.Status);
        Assert.Equal(1, h.Upstream.Requests.Count(r => r.RequestUri!.Host == "dl.test"));
        Assert.Equal("http://dl.test/demo/demo-1.0.0.crate", h.Upstream.Requests.Single(r => r.RequestUri!.Host == "dl.test").RequestUri!.AbsoluteUri);
        // The usage row follows the answer (ProxyWriteBehind).
        Assert.True(h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.0")));
    }

    [Fact]
    public async Task A_checksum_mismatch_is_refused_and_nothing_is_stored()
    {
        var h = new ProxyHarness(Upstream(Line("1.0.0", new string('0', 64)), Crate));

        var result = await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None);

        Assert.Equal(ProxyDownloadStatus.ChecksumMismatch, result.Status);
        Assert.Contains(Sum, result.Error);
        Assert.Null(result.Content);
        Assert.Empty(h.Blobs.Blobs);
        Assert.Empty(h.Cache.Crates);
        Assert.Equal(1, h.CratesIo.Stats.Peek().ChecksumMismatches);
    }

    [Fact]
    public async Task A_configured_download_url_replaces_the_upstream_one()
    {
        var h = new ProxyHarness(Upstream(Line("1.0.0", Sum), Crate), downloadUrl: "http://cdn.test/{lowerprefix}/{crate}/{version}");

        var result = await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None);

        Assert.Equal(ProxyDownloadStatus.Found, result.Status);
        Assert.Equal("http://cdn.test/de/mo/demo/1.0.0", h.Upstream.Requests.Single(r => r.RequestUri!.Host == "cdn.test").RequestUri!.AbsoluteUri);
        Assert.DoesNotContain(h.Upstream.Requests, r => r.RequestUri!.AbsolutePath.EndsWith("config.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_version_missing_from_a_fresh_index_copy_is_revalidated_once()
    {
        var index = Line("1.0.0", Sum);
        var upstream = new ScriptedUpstream(request => request.RequestUri!.AbsolutePath switch
        {
            "/index/config.json" => ScriptedUpstream.Body("{\"dl\":\"http://dl.test/{crate}/{version}\"}"),
            "/index/de/mo/demo" => ScriptedUpstream.Body(index),
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Crate) },
        });
        var h = new ProxyHarness(upstream);
        await h.GetAsync("demo");
        index += Line("1.1.0", Sum);

        var result = await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.1.0", CancellationToken.None);
        var missing = await h.Downloads.OpenAsync(h.CratesIo, "demo", "9.9.9", CancellationToken.None);

        Assert.Equal(ProxyDownloadStatus.Found, result.Status);
        Assert.Equal(ProxyDownloadStatus.NotFound, missing.Status);
        Assert.Contains("has no version `9.9.9`", missing.Error);
    }

    [Theory]
    [InlineData("demo", "../../etc")]
    [InlineData("demo", "1.0")]
    [InlineData("../x", "1.0.0")]
    public async Task Names_and_versions_that_are_not_are_refused_before_storage(string name, string version)
    {
        var h = new ProxyHarness(Upstream(Line("1.0.0", Sum), Crate));
        var result = await h.Downloads.OpenAsync(h.CratesIo, name, version, CancellationToken.None);
        Assert.Equal(ProxyDownloadStatus.NotFound, result.Status);
        Assert.Empty(h.Upstream.Requests);
    }

    [Fact]
    public async Task Concurrent_downloads_of_one_missing_crate_share_one_upstream_fetch()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var h = new ProxyHarness(new ScriptedUpstream(async (request, _) =>
        {
            switch (request.RequestUri!.AbsolutePath)
            {
                case "/index/config.json": return ScriptedUpstream.Body("{\"dl\":\"http://dl.test/{crate}/{version}\"}");
                case "/index/de/mo/demo": return ScriptedUpstream.Body(Line("1.0.0", Sum));
                default:
                    await gate.Task;
                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Crate) };
            }
        }));

        var downloads = Enumerable.Range(0, 50).Select(_ => h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None)).ToList();
        await ProxyIndexServiceTests.Until(() => h.Upstream.Requests.Any(r => r.RequestUri!.Host == "dl.test"));
        gate.SetResult();
        var results = await Task.WhenAll(downloads);

        Assert.All(results, r => Assert.Equal(ProxyDownloadStatus.Found, r.Status));
        Assert.Equal(1, h.Upstream.Requests.Count(r => r.RequestUri!.Host == "dl.test"));
        foreach (var r in results) await r.Content!.DisposeAsync();
    }

    [Fact]
    public async Task A_cached_crate_gets_its_content_flags_and_an_unreadable_one_gets_none()
    {
        // A real .crate with an executable ELF file: flagged under the upstream's source once it is cached.
        var crate = GhostCrate.Testing.CrateFileBuilder.Valid("demo", "1.0.0")
            .Executable("demo-1.0.0/bin/tool", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0])
            .BuildCrate();
        var sum = Convert.ToHexStringLower(SHA256.HashData(crate));
        var h = new ProxyHarness(Upstream(Line("1.0.0", sum), crate));

        Assert.Equal(ProxyDownloadStatus.Found, (await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None)).Status);
        // Flags follow the answer (CachedCrateFollowUp).
        await h.StoredAsync();
        var flags = h.FlagRows.Rows[("proxy:crates-io", "demo", "1.0.0")];
        Assert.Equal([("executable", "bin/tool"), ("native_binary", "bin/tool")], flags.Select(f => (f.Kind, f.Path)));

        // Bytes that are not a .crate are still served (the upstream decides what its crates are), with no flags.
        var other = new ProxyHarness(Upstream(Line("1.0.0", Sum), Crate));
        Assert.Equal(ProxyDownloadStatus.Found, (await other.Downloads.OpenAsync(other.CratesIo, "demo", "1.0.0", CancellationToken.None)).Status);
        await other.StoredAsync();
        Assert.Empty(other.FlagRows.Rows);
    }

    [Fact]
    public async Task A_cold_download_is_answered_from_the_verified_bytes_before_its_bookkeeping_is_done()
    {
        var (h, download, usageRow) = await DownloadWithUsageRowHeldAsync();
        await using (var content = download.Content!)
        {
            using var read = new MemoryStream();
            await content.Stream.CopyToAsync(read, TestContext.Current.CancellationToken);
            Assert.Equal(Crate, read.ToArray());
            Assert.Equal(Crate.Length, content.Length);
        }
        // Served from the bytes in hand, so the store was opened only for the first look-up; the row waits.
        Assert.Equal(1, h.Blobs.Reads);
        Assert.Empty(h.Cache.Crates);
        Assert.NotNull(h.WriteBehind.FindCrate(GhostCrate.Core.Storage.BlobKey.ProxyCrateFile("crates-io", "demo", "1.0.0")));

        usageRow.SetResult();
        await h.StoredAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(Crate, h.Blobs.Blobs["proxy/crates-io/demo/demo-1.0.0.crate"]);
        Assert.Equal(Crate.Length, h.Cache.Crates[("crates-io", "demo", "1.0.0")]);
        Assert.Equal(0, h.WriteBehind.Pending);
        Assert.Equal(0, h.FollowUp.Pending);
    }

    [Fact]
    public async Task Bookkeeping_that_falls_behind_holds_a_bounded_amount_of_crate_bytes_in_memory()
    {
        var h = new ProxyHarness(Upstream(Line("1.0.0", Sum), Crate));
        h.Cache.RecordGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int OneMiB = 1024 * 1024;
        var count = (int)(CachedCrateFollowUp.MaxQueuedBytes / OneMiB) + 16;
        for (var i = 0; i < count; i++)
        {
            var key = GhostCrate.Core.Storage.BlobKey.ProxyCrateFile("crates-io", "demo", $"1.0.{i}");
            h.FollowUp.Enqueue(new CachedCrateFollowUp.CachedCrate("crates-io", "demo", $"1.0.{i}", key, OneMiB, Sum, DateTimeOffset.UnixEpoch, new ArraySegment<byte>(new byte[OneMiB])));
        }
        Assert.InRange(h.FollowUp.QueuedBytes, 1, CachedCrateFollowUp.MaxQueuedBytes);

        h.Cache.RecordGate.SetResult();
        await h.FollowUp.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(0, h.FollowUp.QueuedBytes);
        Assert.Equal(count, h.Cache.Crates.Count);
    }

    [Fact]
    public async Task A_failed_usage_row_is_logged_and_the_rest_of_the_bookkeeping_still_happens()
    {
        var crate = GhostCrate.Testing.CrateFileBuilder.Valid("demo", "1.0.0")
            .Executable("demo-1.0.0/bin/tool", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0])
            .BuildCrate();
        var sum = Convert.ToHexStringLower(SHA256.HashData(crate));
        var log = new ListLogger<ProxyWriteBehind>();
        var h = new ProxyHarness(Upstream(Line("1.0.0", sum), crate), writeBehindLogger: log);
        h.Cache.RecordFailure = new InvalidOperationException("database is down");

        Assert.Equal(ProxyDownloadStatus.Found, (await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None)).Status);
        await h.StoredAsync();

        Assert.Contains(log.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("Could not record", StringComparison.Ordinal)
            && e.Message.Contains("1 .crate files", StringComparison.Ordinal) && e.Exception?.Message == "database is down");
        // The blob is stored all the same (before its row was tried): served from the store from now on.
        Assert.True(h.Blobs.Blobs.ContainsKey("proxy/crates-io/demo/demo-1.0.0.crate"));
        Assert.True(h.FlagRows.Rows.ContainsKey(("proxy:crates-io", "demo", "1.0.0")));
    }

    [Fact]
    public async Task A_crate_too_large_for_memory_is_spooled_to_disk_verified_stored_and_served_from_the_store()
    {
        var large = new byte[CrateSpool.MemoryLimit + 12345];
        new Random(7).NextBytes(large);
        var sum = Convert.ToHexStringLower(SHA256.HashData(large));
        var h = new ProxyHarness(Upstream(Line("1.0.0", sum), large));

        var download = await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", CancellationToken.None);

        Assert.Equal(ProxyDownloadStatus.Found, download.Status);
        await using (var content = download.Content!)
        {
            using var read = new MemoryStream();
            await content.Stream.CopyToAsync(read, TestContext.Current.CancellationToken);
            Assert.Equal(large, read.ToArray());
        }
        Assert.Equal(large, h.Blobs.Blobs["proxy/crates-io/demo/demo-1.0.0.crate"]);
        await h.StoredAsync();
        Assert.True(h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.0")));
        // Not kept in memory: the first look-up, the answer and the content flags each read the stored file.
        Assert.Equal(3, h.Blobs.Reads);

        // The same file with one byte changed: refused, nothing stored, nothing queued.
        var tampered = (byte[])large.Clone();
        tampered[^1] ^= 0xFF;
        var bad = new ProxyHarness(Upstream(Line("1.0.0", sum), tampered));
        var refused = await bad.Downloads.OpenAsync(bad.CratesIo, "demo", "1.0.0", CancellationToken.None);
        Assert.Equal(ProxyDownloadStatus.ChecksumMismatch, refused.Status);
        Assert.Empty(bad.Blobs.Blobs);
        Assert.Equal(0, bad.FollowUp.Pending);
    }

    [Fact]
    public async Task Disposing_the_write_behind_stores_what_is_queued()
    {
        var (h, _, usageRow) = await DownloadWithUsageRowHeldAsync();

        var disposed = h.WriteBehind.DisposeAsync().AsTask();
        Assert.False(disposed.IsCompleted);
        usageRow.SetResult();
        await disposed.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.0")));
        Assert.True(h.Blobs.Blobs.ContainsKey("proxy/crates-io/demo/demo-1.0.0.crate"));
    }

    [Fact]
    public async Task Disposing_the_follow_up_finishes_what_is_queued()
    {
        var h = new ProxyHarness(Upstream(Line("1.0.0", Sum), Crate));
        var usageRow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Cache.RecordGate = usageRow;
        var key = GhostCrate.Core.Storage.BlobKey.ProxyCrateFile("crates-io", "demo", "1.0.0");
        h.FollowUp.Enqueue(new CachedCrateFollowUp.CachedCrate("crates-io", "demo", "1.0.0", key, Crate.Length, Sum, DateTimeOffset.UnixEpoch, new ArraySegment<byte>(Crate)));

        var disposed = h.FollowUp.DisposeAsync().AsTask();
        Assert.False(disposed.IsCompleted);
        usageRow.SetResult();
        await disposed.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.0")));
    }

    /// <summary>
    /// A cold download of demo 1.0.0 whose usage row waits until the test completes <c>UsageRow</c>: the answer must
    /// not wait with it.
    /// </summary>
    private static async Task<(ProxyHarness H, ProxyDownload Download, TaskCompletionSource UsageRow)> DownloadWithUsageRowHeldAsync()
    {
        var h = new ProxyHarness(Upstream(Line("1.0.0", Sum), Crate));
        var usageRow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Cache.RecordGate = usageRow;
        var download = await h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(ProxyDownloadStatus.Found, download.Status);
        return (h, download, usageRow);
    }
}

/// <summary>Keeps what was logged, for tests that assert a failure is not silent.</summary>
internal sealed class ListLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public System.Collections.Concurrent.ConcurrentQueue<(Microsoft.Extensions.Logging.LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception), exception));
}
