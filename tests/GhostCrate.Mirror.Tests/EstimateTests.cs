using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// `mirror estimate` against a real GhostCrate upstream behind the counting proxy: it counts exactly the files the next
/// sync would download, sizes them by the upstream's answers to HEAD (or by the crate's versions already mirrored),
/// downloads and serves nothing, and says so when nothing could size a file.
/// </summary>
public sealed class EstimateTests : ProxiedUpstreamTest
{
    [Fact]
    public async Task A_fresh_selection_is_sized_by_the_upstream_and_nothing_is_downloaded()
    {
        var crates = new[] { await Upstream.PublishAsync("est-one", "1.0.0", padding: 6_000), await Upstream.PublishAsync("est-two", "1.0.0", padding: 20_000), await Upstream.PublishAsync("est-three", "1.0.0") };
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = [.. crates.Select(c => c.Name)] });

        var estimate = await Harness.EstimateAsync();

        Assert.Empty(estimate.Problems);
        Assert.Equal((3L, 3L, 0L, 0L, 0L), (estimate.FilesNeeded, estimate.Exact, estimate.BySiblings, estimate.Unsized, estimate.FilesPresent));
        Assert.Equal(crates.Sum(c => (long)c.Bytes.Length), estimate.EstimatedBytes);
        Assert.True(estimate.IndexBytes > 0);
        Assert.Equal(estimate.EstimatedBytes + estimate.IndexBytes, estimate.TotalBytes);
        Assert.All(crates, c => Assert.False(File.Exists(Harness.CratePath(c))));
        Assert.All(crates, c => Assert.Empty(Harness.ServedVersions(c.Name)));

        // The sync then fetches exactly what was counted.
        var report = await Harness.SyncAsync();
        Assert.Equal(3, report.FilesDownloaded);
        Assert.Equal(estimate.EstimatedBytes, report.BytesDownloaded);
    }

    [Fact]
    public async Task A_new_version_is_sized_by_the_versions_of_its_crate_already_mirrored()
    {
        var old = await Upstream.PublishAsync("est-grow", "1.0.0", padding: 12_000);
        var other = await Upstream.PublishAsync("est-other", "1.0.0", padding: 3_000);
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = [old.Name, other.Name] });
        Assert.True((await Harness.SyncAsync()).Complete);
        await Upstream.PublishAsync("est-grow", "1.1.0", padding: 40_000);

        var estimate = await Harness.EstimateAsync();

        Assert.Equal((1L, 1L, 0L), (estimate.FilesNeeded, estimate.BySiblings, estimate.Exact));
        Assert.Equal(old.Bytes.Length, estimate.EstimatedBytes);
        Assert.Equal((2L, (long)(old.Bytes.Length + other.Bytes.Length)), (estimate.FilesPresent, estimate.BytesPresent));
        Assert.Contains("1 from the crate's versions already here", estimate.Describe());
    }

    [Fact]
    public async Task The_estimate_says_how_fresh_the_served_index_is_against_the_upstream()
    {
        var grow = await Upstream.PublishAsync("est-fresh", "1.0.0");
        var still = await Upstream.PublishAsync("est-still", "1.0.0");
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = [grow.Name, still.Name] });

        var first = (await Harness.EstimateAsync()).Freshness!;
        Assert.Equal((0L, 2L, 0L, 0L), (first.Current, first.New, first.Changed, first.Behind));
        Assert.Equal("nothing served yet: the sync fetches all 2 selected crate(s)", first.Describe());

        Assert.True((await Harness.SyncAsync()).Complete);
        var synced = (await Harness.EstimateAsync()).Freshness!;
        Assert.Equal((2L, 0L, 0L), (synced.Current, synced.New, synced.Changed));
        Assert.Equal("current: none of the 2 served selected crate(s) changed upstream; a sync would change nothing", synced.Describe());

        await Upstream.PublishAsync("est-fresh", "1.1.0");
        var moved = (await Harness.EstimateAsync()).Freshness!;
        Assert.Equal((1L, 1L, 0L), (moved.Current, moved.Changed, moved.Behind));
        Assert.False(moved.UpstreamBehind);
        Assert.Equal("1 of 2 served selected crate(s) changed upstream (est-fresh 1.0.0 -> 1.1.0); the sync brings them", moved.Describe());
        Assert.DoesNotContain("1.1.0", Harness.ServedVersions(grow.Name));
    }

    [Fact]
    public async Task An_upstream_older_than_the_served_index_is_a_problem_the_estimate_names()
    {
        var crate = await Upstream.PublishAsync("est-behind", "1.0.0");
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = [crate.Name] });
        Assert.True((await Harness.SyncAsync()).Complete);
        // The mirror serves a 2.0.0 its upstream does not have (as after syncing from a newer source, then pointing
        // mirror.json at a stale mirror of it). The served file is replaced, not written through its hard links.
        var served = Harness.Layout.IndexFile(crate.Name);
        var line = File.ReadAllLines(served).Single();
        var text = line + "\n" + line.Replace("\"vers\":\"1.0.0\"", "\"vers\":\"2.0.0\"", StringComparison.Ordinal) + "\n";
        File.Delete(served);
        File.WriteAllText(served, text);

        var freshness = (await Harness.EstimateAsync()).Freshness!;

        Assert.True(freshness.UpstreamBehind);
        Assert.Equal(1L, freshness.Behind);
        Assert.Contains("est-behind 2.0.0 served, the upstream's newest is 1.0.0", freshness.Describe(), StringComparison.Ordinal);
        var (exit, output, error) = await MirrorHarness.CliAsync("mirror", "estimate", Harness.Root);
        Assert.True(exit == 1, output + error);
        Assert.Contains("Index freshness: the upstream is older than this mirror for 1 selected crate(s)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_nothing_can_size_are_counted_as_unknown_not_guessed()
    {
        var crate = await Upstream.PublishAsync("est-dark", "1.0.0");
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = [crate.Name] });
        Proxy.Plan = (path, _) => path.EndsWith("/download", StringComparison.Ordinal) ? Fault.ServerError : Fault.None;

        var estimate = await Harness.EstimateAsync();

        Assert.Equal((1L, 1L, 0L), (estimate.FilesNeeded, estimate.Unsized, estimate.EstimatedBytes));
        Assert.Contains("1 of unknown size, not counted", estimate.Describe());
    }

    [Fact]
    public async Task The_cli_prints_the_estimate_and_the_free_disk()
    {
        var crate = await Upstream.PublishAsync("est-cli", "1.0.0", padding: 5_000);
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = [crate.Name] });

        var (exit, output, error) = await MirrorHarness.CliAsync("mirror", "estimate", Harness.Root);

        Assert.True(exit == 0, output + error);
        Assert.Contains("Files to download: 1 (already present: 0", output);
        Assert.Contains("1 sized by the upstream", output);
        Assert.Contains($"Free on {Harness.Layout.Root}:", output);
        Assert.Contains("Index freshness: nothing served yet: the sync fetches all 1 selected crate(s)", output);
        Assert.False(File.Exists(Harness.CratePath(crate)));
        var (_, help, _) = await MirrorHarness.CliAsync("mirror", "estimate", "--help");
        Assert.Contains("ghostcrate mirror estimate DIR", help);
    }
}
