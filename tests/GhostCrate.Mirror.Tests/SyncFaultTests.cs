using System.Text.Json;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>Sync from a sparse upstream through a fault-injecting proxy: retries finish the job, corrupt bodies never land.</summary>
public sealed class SyncFaultTests : IAsyncLifetime
{
    private UpstreamRegistry _upstream = null!;
    private FaultProxy _proxy = null!;
    private MirrorHarness _mirror = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await UpstreamRegistry.StartAsync();
        _proxy = await FaultProxy.StartAsync(_upstream.BaseAddress);
        _mirror = new MirrorHarness();
    }

    public async ValueTask DisposeAsync()
    {
        await _mirror.DisposeAsync();
        await _proxy.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private string SparseViaProxy => $"sparse+{_proxy.BaseAddress}index/";
    private string DownloadViaProxy => $"{_proxy.BaseAddress}api/v1/crates";

    [Fact]
    public async Task Every_kind_of_fault_is_retried_and_only_verified_files_are_accepted()
    {
        var crates = new List<PublishedCrate>();
        foreach (var name in new[] { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot" })
        {
            crates.Add(await _upstream.PublishAsync(name, "1.0.0", padding: 40_000));
        }
        var faults = new Dictionary<string, Fault[]>
        {
            [crates[0].DownloadPath] = [Fault.Drop, Fault.Drop],
            [crates[1].DownloadPath] = [Fault.ServerError, Fault.ServerError],
            [crates[2].DownloadPath] = [Fault.Stall],
            [crates[3].DownloadPath] = [Fault.Corrupt, Fault.Corrupt],
            [crates[4].DownloadPath] = [Fault.Truncate, Fault.Truncate],
        };
        _proxy.Plan = (path, n) => faults.TryGetValue(path, out var list) && n <= list.Length ? list[n - 1] : Fault.None;
        _mirror.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = crates.Select(c => c.Name).ToList() });

        var report = await _mirror.SyncAsync();

        Assert.True(report.Complete, string.Join("\n", report.Failures));
        Assert.Equal(6, report.FilesDownloaded);
        Assert.True(report.Retries >= 9, $"expected at least 9 retries, got {report.Retries}");
        foreach (var crate in crates)
        {
            Assert.True(_mirror.HasVerified(crate), $"{crate.Name} is not in the mirror with the right checksum");
            Assert.Equal(["1.0.0"], _mirror.ServedVersions(crate.Name));
        }
        // Corrupt bodies were fetched again from the start (no Range after a checksum mismatch).
        Assert.Equal(3, _proxy.Count(crates[3].DownloadPath));
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
        Assert.Contains(_proxy.Requests, r => r.Path == crates[2].DownloadPath && r.Range is { } range && range != "bytes=0-");
    }

    [Fact]
    public async Task A_file_that_is_always_corrupt_is_never_accepted_and_never_listed_in_the_served_index()
    {
        var good = await _upstream.PublishAsync("steady", "1.0.0");
        var bad = await _upstream.PublishAsync("steady", "1.1.0");
        _proxy.Plan = (path, _) => path == bad.DownloadPath ? Fault.Corrupt : Fault.None;
        _mirror.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = ["steady"] }, MirrorHarness.FastRetries(maxAttempts: 3));

        var report = await _mirror.SyncAsync();

        Assert.False(report.Complete);
        var failure = Assert.Single(report.Failures);
        Assert.Contains("checksum mismatch", failure);
        Assert.True(_mirror.HasVerified(good));
        Assert.False(File.Exists(_mirror.CratePath(bad)));
        Assert.Empty(Directory.GetFiles(_mirror.Layout.PartialDir));
        // The served index moves forward only as far as the files that are really there.
        Assert.Equal(["1.0.0"], _mirror.ServedVersions("steady"));
        Assert.Equal(3, _proxy.Count(bad.DownloadPath));

        // Once the upstream behaves, a rerun fetches only the missing file and the index catches up.
        _proxy.Plan = (_, _) => Fault.None;
        var rerun = await _mirror.SyncAsync();
        Assert.True(rerun.Complete, string.Join("\n", rerun.Failures));
        Assert.Equal(1, rerun.FilesDownloaded);
        Assert.Equal(1, _proxy.Count(good.DownloadPath));
        Assert.Equal(["1.0.0", "1.1.0"], _mirror.ServedVersions("steady"));
    }

    [Fact]
    public async Task A_second_sync_downloads_nothing_and_picks_up_yanks_and_new_versions()
    {
        var v1 = await _upstream.PublishAsync("gamma", "0.1.0");
        _mirror.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = ["gamma"] });
        Assert.True((await _mirror.SyncAsync()).Complete);

        await _upstream.YankAsync("gamma", "0.1.0");
        var v2 = await _upstream.PublishAsync("gamma", "0.2.0");
        var report = await _mirror.SyncAsync();

        Assert.True(report.Complete, string.Join("\n", report.Failures));
        Assert.Equal(1, report.FilesDownloaded);
        Assert.Equal(1, report.FilesPresent);
        Assert.Equal(1, _proxy.Count(v1.DownloadPath));
        Assert.Equal(1, _proxy.Count(v2.DownloadPath));
        var served = File.ReadAllText(_mirror.Layout.IndexFile("gamma"));
        // Lines are served exactly as the upstream wrote them, yank included.
        Assert.Equal(await _upstream.IndexFileAsync("gamma"), served);
    }

    [Fact]
    public async Task Missing_upstream_files_fail_without_retry_storms()
    {
        await _upstream.PublishAsync("lonely", "1.0.0");
        _mirror.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = ["lonely", "nonexistent"] });
        _proxy.Plan = (path, _) => path.EndsWith("/download", StringComparison.Ordinal) ? Fault.None : Fault.None;

        var report = await _mirror.SyncAsync();

        var failure = Assert.Single(report.Failures);
        Assert.Contains("nonexistent", failure);
        Assert.Equal(1, _proxy.Count("/index/no/ne/nonexistent"));
        Assert.Equal(["1.0.0"], _mirror.ServedVersions("lonely"));
    }
}
