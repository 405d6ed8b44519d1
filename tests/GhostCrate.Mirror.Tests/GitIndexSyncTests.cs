using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>Sync from a git index (cloned and diffed with the git CLI), with downloads through the fault proxy.</summary>
public sealed class GitIndexSyncTests : IAsyncLifetime
{
    private UpstreamRegistry _upstream = null!;
    private FaultProxy _proxy = null!;
    private MirrorHarness _mirror = null!;
    private GitIndexRepo _repo = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await UpstreamRegistry.StartAsync();
        _proxy = await FaultProxy.StartAsync(_upstream.BaseAddress);
        _mirror = new MirrorHarness();
        _repo = new GitIndexRepo($"{_proxy.BaseAddress}api/v1/crates");
    }

    public async ValueTask DisposeAsync()
    {
        _repo.Dispose();
        await _mirror.DisposeAsync();
        await _proxy.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Mirrors_everything_then_reads_only_what_changed_in_the_next_commit()
    {
        var first = new[]
        {
            await _upstream.PublishAsync("a", "1.0.0"),
            await _upstream.PublishAsync("ab", "1.0.0"),
            await _upstream.PublishAsync("abc", "1.0.0"),
            await _upstream.PublishAsync("abcd", "1.0.0"),
            await _upstream.PublishAsync("abcd", "1.1.0"),
        };
        await _repo.CommitFromAsync(_upstream, first.Select(c => c.Name), "first");
        _proxy.Plan = (path, n) => n == 1 && path.EndsWith("/download", StringComparison.Ordinal) ? Fault.ServerError : Fault.None;
        _mirror.Init(_repo.Url);

        var report = await _mirror.SyncAsync();

        Assert.True(report.Complete, string.Join("\n", report.Failures));
        Assert.Equal(5, report.FilesDownloaded);
        Assert.Equal(5, report.Retries);
        Assert.All(first, c => Assert.True(_mirror.HasVerified(c), c.Name));
        Assert.Equal(["1.0.0", "1.1.0"], _mirror.ServedVersions("abcd"));

        var added = await _upstream.PublishAsync("abc", "2.0.0");
        await _repo.CommitFromAsync(_upstream, ["abc"], "second");
        _repo.Remove("ab", "ab leaves the index");
        var second = await _mirror.SyncAsync();

        Assert.True(second.Complete, string.Join("\n", second.Failures));
        Assert.Equal(1, second.FilesDownloaded);
        Assert.Equal(1, second.FilesPresent); // only abc's file was read again: unchanged crates are not even looked at
        Assert.Equal(1, second.IndexFilesRemoved);
        Assert.True(_mirror.HasVerified(added));
        Assert.Equal(["1.0.0", "2.0.0"], _mirror.ServedVersions("abc"));
        Assert.Empty(_mirror.ServedVersions("ab"));
        Assert.All(first, c => Assert.Equal(2, _proxy.Count(c.DownloadPath))); // one 500, one success, none since
    }

    [Fact]
    public async Task A_pinned_selection_reads_only_the_named_crates_and_applies_filters()
    {
        await _upstream.PublishAsync("keep", "1.0.0");
        await _upstream.PublishAsync("keep", "1.1.0");
        var latest = await _upstream.PublishAsync("keep", "1.2.0");
        await _upstream.PublishAsync("other", "1.0.0");
        await _repo.CommitFromAsync(_upstream, ["keep", "other"], "init");
        _mirror.Init(_repo.Url, selection: new SelectionConfig { Crates = ["keep"], KeepLatest = 1 });

        var report = await _mirror.SyncAsync();

        Assert.True(report.Complete, string.Join("\n", report.Failures));
        Assert.Equal(1, report.FilesDownloaded);
        Assert.True(_mirror.HasVerified(latest));
        Assert.Equal(["1.2.0"], _mirror.ServedVersions("keep"));
        Assert.Empty(_mirror.ServedVersions("other"));
    }
}
