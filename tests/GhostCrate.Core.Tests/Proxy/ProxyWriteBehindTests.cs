using System.Net;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>
/// What the proxy fetched is answered at once and stored behind the answer (<see cref="ProxyWriteBehind"/>): the
/// answer never waits for the blob store or the database, a file waiting to be stored is served from memory without a
/// second upstream fetch, and a store that fails leaves no row.
/// </summary>
public class ProxyWriteBehindTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // against a hang, not a timing assertion
    private static readonly byte[] Crate = Encoding.UTF8.GetBytes("pretend this is a gzipped tarball");
    private static readonly string Sum = Convert.ToHexStringLower(SHA256.HashData(Crate));
    private const string BlobPath = "proxy/crates-io/demo/demo-1.0.0.crate";
    private const string V1 = "{\"name\":\"serde\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"aa\",\"features\":{},\"yanked\":false}\n";

    private static ProxyHarness Harness(int? indexCacheMegabytes = null) => new(new ScriptedUpstream(request => request.RequestUri!.AbsolutePath switch
    {
        "/index/config.json" => ScriptedUpstream.Body("{\"dl\":\"http://dl.test/{crate}/{crate}-{version}.crate\"}"),
        "/index/de/mo/demo" => ScriptedUpstream.Body($"{{\"name\":\"demo\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"{Sum}\",\"features\":{{}},\"yanked\":false}}\n"),
        "/index/se/rd/serde" => ScriptedUpstream.Body(V1),
        _ when request.RequestUri.Host == "dl.test" => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Crate) },
        _ => new HttpResponseMessage(HttpStatusCode.NotFound),
    }), indexCacheMegabytes: indexCacheMegabytes);

    private static int Downloads(ProxyHarness h) => h.Upstream.Requests.Count(r => r.RequestUri!.Host == "dl.test");

    private static async Task<byte[]> ReadAsync(ProxyDownload download)
    {
        Assert.Equal(ProxyDownloadStatus.Found, download.Status);
        await using var content = download.Content!;
        using var read = new MemoryStream();
        await content.Stream.CopyToAsync(read, TestContext.Current.CancellationToken);
        return read.ToArray();
    }

    private static Task<ProxyDownload> OpenAsync(ProxyHarness h) =>
        h.Downloads.OpenAsync(h.CratesIo, "demo", "1.0.0", TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_cold_download_is_answered_before_its_blob_is_stored_and_stored_after()
    {
        var h = Harness();
        var store = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Blobs.PutGate = store;

        Assert.Equal(Crate, await ReadAsync(await OpenAsync(h)));
        Assert.False(h.Blobs.Blobs.ContainsKey(BlobPath));
        Assert.Empty(h.Cache.Crates);

        store.SetResult();
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(Crate, h.Blobs.Blobs[BlobPath]);
        Assert.Equal(Crate.Length, h.Cache.Crates[("crates-io", "demo", "1.0.0")]);
        Assert.Null(h.WriteBehind.FindCrate(BlobKey.ProxyCrateFile("crates-io", "demo", "1.0.0")));
    }

    [Fact]
    public async Task A_download_waiting_to_be_stored_is_served_from_memory_without_a_second_upstream_fetch()
    {
        var h = Harness();
        var store = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Blobs.PutGate = store;

        Assert.Equal(Crate, await ReadAsync(await OpenAsync(h)));
        Assert.Equal(Crate, await ReadAsync(await OpenAsync(h)));
        Assert.Equal(1, Downloads(h));

        store.SetResult();
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(Crate, await ReadAsync(await OpenAsync(h)));
        Assert.Equal(1, Downloads(h));
        Assert.Equal(1, h.Blobs.Puts);
    }

    [Fact]
    public async Task The_download_fast_path_finds_a_download_waiting_to_be_stored_and_not_once_it_is_stored()
    {
        var h = Harness();
        var store = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Blobs.PutGate = store;
        Assert.Null(h.Downloads.FindPendingCrate(h.CratesIo, "demo", "1.0.0")); // not fetched yet

        Assert.Equal(Crate, await ReadAsync(await OpenAsync(h)));
        // Waiting for its save: its verified bytes, under any spelling of the name, and nothing for another version.
        var pending = h.Downloads.FindPendingCrate(h.CratesIo, "Demo", "1.0.0");
        Assert.NotNull(pending);
        Assert.Equal(Crate, pending.Value.Bytes.ToArray());
        Assert.Null(h.Downloads.FindPendingCrate(h.CratesIo, "demo", "1.0.1"));

        // Stored: the store answers from now on (the fast path then finds the file), and there was one upstream fetch.
        store.SetResult();
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Null(h.Downloads.FindPendingCrate(h.CratesIo, "demo", "1.0.0"));
        Assert.Equal(1, Downloads(h));
    }

    [Fact]
    public async Task A_failed_blob_store_leaves_no_row_and_the_next_request_fetches_the_file_again()
    {
        var h = Harness();
        h.Blobs.PutFailure = new IOException("No space left on device");

        // The client still gets the verified bytes; only the cache entry is lost.
        Assert.Equal(Crate, await ReadAsync(await OpenAsync(h)));
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.False(h.Blobs.Blobs.ContainsKey(BlobPath));
        Assert.Empty(h.Cache.Crates);
        Assert.Null(h.WriteBehind.FindCrate(BlobKey.ProxyCrateFile("crates-io", "demo", "1.0.0")));

        h.Blobs.PutFailure = null;
        Assert.Equal(Crate, await ReadAsync(await OpenAsync(h)));
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(2, Downloads(h));
        Assert.Equal(Crate, h.Blobs.Blobs[BlobPath]);
        Assert.True(h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.0")));
    }

    [Fact]
    public async Task An_index_file_is_answered_before_its_row_is_saved_and_served_from_the_waiting_save_meanwhile()
    {
        // A node without index memory (Proxy:IndexCacheMegabytes 0, or a file it dropped): only the waiting save has the file.
        var h = Harness(indexCacheMegabytes: 0);
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Cache.RecordGate = commit;

        var first = await h.GetAsync("serde").WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(V1, Encoding.UTF8.GetString(first.File!.Content));
        Assert.Empty(h.Cache.Files);

        var second = await h.GetAsync("serde").WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(V1, Encoding.UTF8.GetString(second.File!.Content));
        Assert.Equal(1, h.IndexRequests("serde"));

        commit.SetResult();
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(V1, Encoding.UTF8.GetString(h.Cache.Files[("crates-io", "serde")].Content));
        Assert.Null(h.WriteBehind.FindIndexFile("crates-io", "serde"));
    }

    [Fact]
    public async Task The_rows_of_files_fetched_while_a_commit_runs_go_into_one_transaction()
    {
        var h = new ProxyHarness(new ScriptedUpstream(_ => ScriptedUpstream.Body(V1)));
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Cache.RecordGate = commit;

        for (var i = 0; i < 10; i++) await h.GetAsync($"crate{i}").WaitAsync(Guard, TestContext.Current.CancellationToken);
        commit.SetResult();
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);

        Assert.Equal(10, h.Cache.Files.Count);
        // The first batch may have taken one file before the others arrived; the rest wait for it and go together.
        Assert.InRange(h.Cache.Batches, 1, 2);
    }

    [Fact]
    public async Task Past_its_memory_budget_a_download_is_stored_before_it_is_answered()
    {
        var h = Harness();
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Cache.RecordGate = commit;
        // Fill the budget with crates whose rows cannot be committed yet.
        const int OneMiB = 1024 * 1024;
        var filler = new ArraySegment<byte>(new byte[OneMiB]);
        var queued = 0;
        while (h.WriteBehind.TryEnqueue(new ProxyWriteBehind.PendingCrate("crates-io", "filler", $"1.0.{queued}", BlobKey.ProxyCrateFile("crates-io", "filler", $"1.0.{queued}"), filler, Sum, ProxyHarness.Start)))
            queued++;
        Assert.Equal(ProxyWriteBehind.MaxPendingBytes / OneMiB, queued);

        Assert.Equal(Crate, await ReadAsync(await OpenAsync(h)));
        // Stored before the answer (the write-behind had no room): in the store already, with its row to follow.
        Assert.Equal(Crate, h.Blobs.Blobs[BlobPath]);
        Assert.Null(h.WriteBehind.FindCrate(BlobKey.ProxyCrateFile("crates-io", "demo", "1.0.0")));

        commit.SetResult();
        await h.StoredAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.True(h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.0")));
        Assert.Equal(queued + 1, h.Cache.Crates.Count);
    }
}
