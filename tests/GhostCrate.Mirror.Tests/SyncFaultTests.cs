using System.Text.Json;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>Sync from a sparse upstream through a fault-injecting proxy: retries finish the job, corrupt bodies never land.</summary>
public sealed class SyncFaultTests : ProxiedUpstreamTest
{
    [Fact]
    public async Task Every_kind_of_fault_is_retried_and_only_verified_files_are_accepted()
    {
        var crates = new List<PublishedCrate>();
        foreach (var name in new[] { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot" })
        {
            crates.Add(await Upstream.PublishAsync(name, "1.0.0", padding: 40_000));
        }
        var faults = new Dictionary<string, Fault[]>
        {
            [crates[0].DownloadPath] = [Fault.Drop, Fault.Drop],
            [crates[1].DownloadPath] = [Fault.ServerError, Fault.ServerError],
            [crates[2].DownloadPath] = [Fault.Stall],
            [crates[3].DownloadPath] = [Fault.Corrupt, Fault.Corrupt],
            [crates[4].DownloadPath] = [Fault.Truncate, Fault.Truncate],
        };
        Proxy.Plan = (path, n) => faults.TryGetValue(path, out var list) && n <= list.Length ? list[n - 1] : Fault.None;
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = crates.Select(c => c.Name).ToList() });

        var report = await Harness.SyncAsync();

        Assert.True(report.Complete, string.Join("\n", report.Failures));
        Assert.Equal(6, report.FilesDownloaded);
        Assert.True(report.Retries >= 9, $"expected at least 9 retries, got {report.Retries}");
        foreach (var crate in crates)
        {
            Assert.True(Harness.HasVerified(crate), $"{crate.Name} is not in the mirror with the right checksum");
            Assert.Equal(["1.0.0"], Harness.ServedVersions(crate.Name));
        }
        // Corrupt bodies were fetched again from the start (no Range after a checksum mismatch).
        Assert.Equal(3, Proxy.Count(crates[3].DownloadPath));
        // The manifest has one line per file with its attempts.
        var lines = File.ReadAllLines(report.ManifestPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(6, lines.Count);
        var delta = lines.Single(l => l.GetProperty("name").GetString() == "delta");
        Assert.Equal("downloaded", delta.GetProperty("status").GetString());
        Assert.Equal(3, delta.GetProperty("attempts").GetInt32());
        Assert.Equal(crates[3].Cksum, delta.GetProperty("sha256").GetString());
        Assert.True(delta.GetProperty("size").GetInt64() > 0);
        Assert.True(delta.TryGetProperty("durationMs", out _));
        // A stalled body was continued with a Range request from where it stopped, not fetched again from zero.
        Assert.Contains(Proxy.Requests, r => r.Path == crates[2].DownloadPath && r.Range is { } range && range != "bytes=0-");
    }

    [Fact]
    public async Task A_file_that_is_always_corrupt_is_never_accepted_and_never_listed_in_the_served_index()
    {
        var good = await Upstream.PublishAsync("steady", "1.0.0");
        var bad = await Upstream.PublishAsync("steady", "1.1.0");
        Proxy.Plan = (path, _) => path == bad.DownloadPath ? Fault.Corrupt : Fault.None;
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = ["steady"] }, MirrorHarness.FastRetries(maxAttempts: 3));

        var report = await Harness.SyncAsync();

        Assert.False(report.Complete);
        var failure = Assert.Single(report.Failures);
        Assert.Contains("checksum mismatch", failure);
        Assert.True(Harness.HasVerified(good));
        Assert.False(File.Exists(Harness.CratePath(bad)));
        Assert.Empty(Directory.GetFiles(Harness.Layout.PartialDir));
        // The served index moves forward only as far as the files that are really there.
        Assert.Equal(["1.0.0"], Harness.ServedVersions("steady"));
        Assert.Equal(3, Proxy.Count(bad.DownloadPath));

        // Once the upstream behaves, a rerun fetches only the missing file and the index catches up.
        Proxy.Plan = (_, _) => Fault.None;
        var rerun = await Harness.SyncAsync();
        Assert.True(rerun.Complete, string.Join("\n", rerun.Failures));
        Assert.Equal(1, rerun.FilesDownloaded);
        Assert.Equal(1, Proxy.Count(good.DownloadPath));
        Assert.Equal(["1.0.0", "1.1.0"], Harness.ServedVersions("steady"));
    }

    [Fact]
    public async Task A_second_sync_downloads_nothing_and_picks_up_yanks_and_new_versions()
    {
        var v1 = await Upstream.PublishAsync("gamma", "0.1.0");
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = ["gamma"] });
        Assert.True((await Harness.SyncAsync()).Complete);

        await Upstream.YankAsync("gamma", "0.1.0");
        var v2 = await Upstream.PublishAsync("gamma", "0.2.0");
        var report = await Harness.SyncAsync();

        Assert.True(report.Complete, string.Join("\n", report.Failures));
        Assert.Equal(1, report.FilesDownloaded);
        Assert.Equal(1, report.FilesPresent);
        Assert.Equal(1, Proxy.Count(v1.DownloadPath));
        Assert.Equal(1, Proxy.Count(v2.DownloadPath));
        var served = File.ReadAllText(Harness.Layout.IndexFile("gamma"));
        // Lines are served exactly as the upstream wrote them, yank included.
        Assert.Equal(await Upstream.IndexFileAsync("gamma"), served);
    }

    [Fact]
    public async Task Missing_upstream_files_fail_without_retry_storms()
    {
        await Upstream.PublishAsync("lonely", "1.0.0");
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = ["lonely", "nonexistent"] });
        Proxy.Plan = (path, _) => path.EndsWith("/download", StringComparison.Ordinal) ? Fault.None : Fault.None;

        var report = await Harness.SyncAsync();

        var failure = Assert.Single(report.Failures);
        Assert.Contains("nonexistent", failure);
        Assert.Equal(1, Proxy.Count("/index/no/ne/nonexistent"));
        Assert.Equal(["1.0.0"], Harness.ServedVersions("lonely"));
    }
}
