using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// A sparse upstream is revalidated, not re-read: the second sync sends the validators of the first, the upstream (a
/// real GhostCrate, seen through a counting proxy) answers 304, and nothing is rewritten; a changed file comes whole.
/// </summary>
public sealed class SparseRevalidationTests : ProxiedUpstreamTest
{
    private static bool IsIndexFile(string path) => path.StartsWith("/index/", StringComparison.Ordinal) && !path.EndsWith("config.json", StringComparison.Ordinal);

    private int Answers(int status) => Proxy.UpstreamAnswers.Count(a => IsIndexFile(a.Path) && a.Status == status);

    [Fact]
    public async Task Unchanged_index_files_cost_a_304_and_no_rewrite()
    {
        await Upstream.PublishAsync("rv-one", "1.0.0");
        await Upstream.PublishAsync("rv-two", "1.0.0");
        Harness.Init($"sparse+{Proxy.BaseAddress}index/", $"{Proxy.BaseAddress}api/v1/crates", new SelectionConfig { Crates = ["rv-one", "rv-two"] });

        var first = await Harness.SyncAsync();
        Assert.True(first.Complete, string.Join("; ", first.Failures));
        Assert.Equal(2, Answers(200));
        Assert.Equal(0, Answers(304));
        var servedOne = Harness.Layout.IndexFile("rv-one");
        var servedStamp = File.GetLastWriteTimeUtc(servedOne);
        var cacheFiles = Directory.GetFiles(Harness.Layout.SparseCacheDir, "*", SearchOption.AllDirectories);
        Assert.Equal(2, cacheFiles.Length);
        var cacheStamps = cacheFiles.ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var cacheContent = cacheFiles.ToDictionary(f => f, File.ReadAllText);

        var second = await Harness.SyncAsync();
        Assert.True(second.Complete);
        Assert.Equal(2, Answers(304));
        Assert.Equal(2, second.IndexFilesNotModified);
        Assert.Equal(0, second.IndexFilesUpdated);
        Assert.Equal(0, second.FilesDownloaded);
        Assert.Equal(servedStamp, File.GetLastWriteTimeUtc(servedOne));
        foreach (var file in cacheFiles)
        {
            Assert.Equal(cacheStamps[file], File.GetLastWriteTimeUtc(file));
            Assert.Equal(cacheContent[file], File.ReadAllText(file));
        }

        // One crate changes upstream: its file comes back whole (200), the other one still costs a 304.
        await Upstream.PublishAsync("rv-two", "1.1.0");
        var third = await Harness.SyncAsync();
        Assert.True(third.Complete);
        Assert.Equal(3, Answers(200));
        Assert.Equal(3, Answers(304));
        Assert.Equal(1, third.IndexFilesNotModified);
        Assert.Equal(["1.0.0", "1.1.0"], Harness.ServedVersions("rv-two"));
    }

    [Fact]
    public async Task A_damaged_cached_copy_is_not_trusted()
    {
        await Upstream.PublishAsync("rv-damaged", "1.0.0");
        Harness.Init($"sparse+{Proxy.BaseAddress}index/", $"{Proxy.BaseAddress}api/v1/crates", new SelectionConfig { Crates = ["rv-damaged"] });
        Assert.True((await Harness.SyncAsync()).Complete);
        var cached = Directory.GetFiles(Harness.Layout.SparseCacheDir, "*", SearchOption.AllDirectories).Single();
        File.AppendAllText(cached, "{\"name\":\"evil\"}\n");

        var again = await Harness.SyncAsync();
        Assert.True(again.Complete);
        // No validators were sent for a copy that fails its hash, so the upstream answered in full.
        Assert.Equal(2, Answers(200));
        Assert.Equal(0, Answers(304));
        Assert.Equal(["1.0.0"], Harness.ServedVersions("rv-damaged"));
    }
}
