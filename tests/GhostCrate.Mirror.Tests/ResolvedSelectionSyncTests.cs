using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>`selection.resolve` through the whole sync, against a git upstream (the sparse one is in ResolvedSelectionCargoTests).</summary>
public sealed class ResolvedSelectionSyncTests : IAsyncLifetime
{
    private UpstreamRegistry _upstream = null!;
    private MirrorHarness _mirror = null!;
    private GitIndexRepo _repo = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await UpstreamRegistry.StartAsync();
        _mirror = new MirrorHarness();
        _repo = new GitIndexRepo($"{_upstream.BaseAddress}api/v1/crates");
    }

    public async ValueTask DisposeAsync()
    {
        _repo.Dispose();
        await _mirror.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_git_upstream_resolves_the_closure_and_a_new_matching_version_joins_it_on_the_next_run()
    {
        await _upstream.PublishAsync("gr-leaf", "1.0.0");
        await _upstream.PublishAsync("gr-mid", "0.3.0", deps: [CrateFileBuilder.Dependency("gr-leaf", "^1")]);
        await _upstream.PublishAsync("gr-test", "1.0.0");
        await _upstream.PublishAsync("gr-top", "1.0.0", deps: [CrateFileBuilder.Dependency("gr-mid", "^0.3"), CrateFileBuilder.Dependency("gr-test", "^1", kind: "dev")]);
        await _upstream.PublishAsync("gr-other", "1.0.0");
        string[] all = ["gr-leaf", "gr-mid", "gr-top", "gr-test", "gr-other"];
        await _repo.CommitFromAsync(_upstream, all, "first");
        _mirror.Init(_repo.Url, selection: new SelectionConfig { Crates = ["gr-top"], Resolve = SelectionConfig.ResolveNewest });

        var first = await _mirror.SyncAsync();

        Assert.True(first.Complete, string.Join("\n", first.Failures));
        Assert.Equal(3, first.FilesDownloaded);
        Assert.Equal(["1.0.0"], _mirror.ServedVersions("gr-leaf"));
        Assert.Equal(["0.3.0"], _mirror.ServedVersions("gr-mid"));
        Assert.Empty(_mirror.ServedVersions("gr-test"));
        Assert.Empty(_mirror.ServedVersions("gr-other"));

        // A newer leaf within ^1: `newest` moves to it, and 1.0.0 leaves the served index.
        await _upstream.PublishAsync("gr-leaf", "1.1.0");
        await _upstream.PublishAsync("gr-leaf", "2.0.0");
        await _repo.CommitFromAsync(_upstream, all, "second");

        var second = await _mirror.SyncAsync();

        Assert.True(second.Complete, string.Join("\n", second.Failures));
        Assert.Equal(["1.1.0"], _mirror.ServedVersions("gr-leaf"));
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", _mirror.Root)).Exit);
    }

    [Fact]
    public async Task A_dependency_missing_upstream_makes_the_sync_incomplete_and_says_which()
    {
        await _upstream.PublishAsync("gm-gone", "1.0.0");
        await _upstream.PublishAsync("gm-top", "1.0.0", deps: [CrateFileBuilder.Dependency("gm-gone", "^1")]);
        await _repo.CommitFromAsync(_upstream, ["gm-top"], "without gm-gone");
        _mirror.Init(_repo.Url, selection: new SelectionConfig { Crates = ["gm-top"], Resolve = SelectionConfig.ResolveAll });

        var report = await _mirror.SyncAsync();

        Assert.False(report.Complete);
        Assert.Contains(report.Failures, f => f.StartsWith("gm-gone: index: the upstream index has no such crate", StringComparison.Ordinal));
        Assert.Equal(["1.0.0"], _mirror.ServedVersions("gm-top"));
    }
}
