using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>Selections that come from a Cargo.lock, and the Prometheus endpoint while a sync runs.</summary>
public sealed class SelectionSyncTests : ProxiedUpstreamTest
{
    [Fact]
    public async Task A_cargo_lock_selects_exactly_the_pinned_versions()
    {
        await Upstream.PublishAsync("lk-dep", "1.0.0");
        var pinned = await Upstream.PublishAsync("lk-dep", "1.1.0");
        await Upstream.PublishAsync("lk-dep", "1.2.0");
        var other = await Upstream.PublishAsync("lk-other", "0.3.0");
        await Upstream.PublishAsync("lk-unused", "1.0.0");
        var lockfile = Path.Combine(Harness.Root, "Cargo.lock");
        Directory.CreateDirectory(Harness.Root);
        File.WriteAllText(lockfile, """
            version = 4

            [[package]]
            name = "app"
            version = "0.1.0"

            [[package]]
            name = "lk-dep"
            version = "1.1.0"
            source = "registry+https://github.com/rust-lang/crates.io-index"

            [[package]]
            name = "lk-other"
            version = "0.3.0"
            source = "registry+https://github.com/rust-lang/crates.io-index"
            """);
        Harness.Init(Upstream.SparseIndexUrl, selection: new SelectionConfig { Lockfiles = ["Cargo.lock"] });

        var report = await Harness.SyncAsync();

        Assert.True(report.Complete, string.Join("\n", report.Failures));
        Assert.Equal(2, report.FilesDownloaded);
        Assert.True(Harness.HasVerified(pinned));
        Assert.True(Harness.HasVerified(other));
        Assert.Equal(["1.1.0"], Harness.ServedVersions("lk-dep"));
        Assert.Empty(Harness.ServedVersions("lk-unused"));
    }

    [Fact]
    public async Task A_crate_dropped_from_the_selection_leaves_the_served_index()
    {
        await Upstream.PublishAsync("sel-stays", "1.0.0");
        await Upstream.PublishAsync("sel-goes", "1.0.0");
        var config = Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = ["sel-stays", "sel-goes"] });
        Assert.True((await Harness.SyncAsync()).Complete);
        Assert.Equal(["1.0.0"], Harness.ServedVersions("sel-goes"));

        MirrorConfigFile.Save(Harness.Layout, config with { Selection = config.Selection with { Crates = ["sel-stays"] } });
        var report = await Harness.SyncAsync();

        Assert.True(report.Complete);
        Assert.Equal(1, report.IndexFilesRemoved);
        Assert.Empty(Harness.ServedVersions("sel-goes"));
        Assert.Equal(["1.0.0"], Harness.ServedVersions("sel-stays"));
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", Harness.Root)).Exit);
    }

    [Fact]
    public async Task Skip_yanked_neither_downloads_nor_lists_yanked_versions_and_follows_later_yanks()
    {
        var kept = await Upstream.PublishAsync("yk-lib", "1.0.0");
        var yanked = await Upstream.PublishAsync("yk-lib", "1.1.0");
        var later = await Upstream.PublishAsync("yk-lib", "1.2.0");
        await Upstream.YankAsync("yk-lib", "1.1.0");
        Harness.Init(SparseViaProxy, DownloadViaProxy, new SelectionConfig { Crates = ["yk-lib"], SkipYanked = true });

        Assert.True((await Harness.SyncAsync()).Complete);
        Assert.Equal(["1.0.0", "1.2.0"], Harness.ServedVersions("yk-lib"));
        Assert.Equal(0, Proxy.Count(yanked.DownloadPath));
        Assert.False(File.Exists(Harness.CratePath(yanked)));

        await Upstream.YankAsync("yk-lib", "1.2.0");
        Assert.True((await Harness.SyncAsync()).Complete);
        Assert.Equal(["1.0.0"], Harness.ServedVersions("yk-lib"));
        Assert.True(Harness.HasVerified(kept) && Harness.HasVerified(later));
    }

    [Fact]
    public async Task The_metrics_endpoint_answers_prometheus_text_while_the_sync_runs()
    {
        var quick = await Upstream.PublishAsync("mx-quick", "1.0.0");
        var slow = await Upstream.PublishAsync("mx-slow", "1.0.0", padding: 100_000);
        Proxy.Plan = (path, n) => path == slow.DownloadPath && n == 1 ? Fault.Stall : Fault.None;
        Harness.Init($"sparse+{Proxy.BaseAddress}index/", $"{Proxy.BaseAddress}api/v1/crates",
            new SelectionConfig { Crates = ["mx-quick", "mx-slow"] }, MirrorHarness.FastRetries() with { StallTimeoutSeconds = 600 });
        var port = FreePort();

        var sync = MirrorHarness.CliAsync("mirror", "sync", Harness.Root, "--plain", "--metrics", $"127.0.0.1:{port}");
        using var http = new HttpClient();
        string metrics = "";
        var deadline = Stopwatch.StartNew();
        // The counters are process-wide and other test classes sync in parallel: at least one download is what we know.
        while (System.Text.RegularExpressions.Regex.Match(metrics, "ghostcrate_mirror_files_total\\{status=\"downloaded\"\\} ([0-9]+)") is not { Success: true } m || int.Parse(m.Groups[1].Value) < 1)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "metrics never showed the first download:\n" + metrics);
            Assert.False(sync.IsCompleted, "the sync ended before the metrics were read");
            try
            {
                metrics = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.Contains("# TYPE ghostcrate_mirror_bytes_total counter", metrics);
        // The server's /metrics writer, so the same families under the same names (the dashboard's mirror panels
        // query these; the EndToEnd MetricsTests find them in the server's scrape too), and Prometheus's lint is clean.
        var families = PrometheusText.Parse(metrics).Select(f => f.Name).Where(n => n != "target_info").Order(StringComparer.Ordinal);
        Assert.Equal(["ghostcrate_mirror_bytes_total", "ghostcrate_mirror_files_total", "ghostcrate_mirror_index_files_updated_total", "ghostcrate_mirror_retries_total"], families);
        if (Promtool.IsInstalled)
        {
            var (lintExit, findings) = await Promtool.CheckMetricsAsync(metrics);
            Assert.True(lintExit == 0 && findings.Length == 0, findings);
        }
        Proxy.ReleaseStalls();

        var (exit, output, error) = await sync;
        Assert.True(exit == 0, output + error);
        Assert.True(Harness.HasVerified(quick) && Harness.HasVerified(slow));
        Assert.Contains("1 retry", output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
