using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>Selections that come from a Cargo.lock, and the Prometheus endpoint while a sync runs.</summary>
public sealed class SelectionSyncTests : IAsyncLifetime
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

    [Fact]
    public async Task A_cargo_lock_selects_exactly_the_pinned_versions()
    {
        await _upstream.PublishAsync("lk-dep", "1.0.0");
        var pinned = await _upstream.PublishAsync("lk-dep", "1.1.0");
        await _upstream.PublishAsync("lk-dep", "1.2.0");
        var other = await _upstream.PublishAsync("lk-other", "0.3.0");
        await _upstream.PublishAsync("lk-unused", "1.0.0");
        var lockfile = Path.Combine(_mirror.Root, "Cargo.lock");
        Directory.CreateDirectory(_mirror.Root);
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
        _mirror.Init(_upstream.SparseIndexUrl, selection: new SelectionConfig { Lockfiles = ["Cargo.lock"] });

        var report = await _mirror.SyncAsync();

        Assert.True(report.Complete, string.Join("\n", report.Failures));
        Assert.Equal(2, report.FilesDownloaded);
        Assert.True(_mirror.HasVerified(pinned));
        Assert.True(_mirror.HasVerified(other));
        Assert.Equal(["1.1.0"], _mirror.ServedVersions("lk-dep"));
        Assert.Empty(_mirror.ServedVersions("lk-unused"));
    }

    [Fact]
    public async Task The_metrics_endpoint_answers_prometheus_text_while_the_sync_runs()
    {
        var quick = await _upstream.PublishAsync("mx-quick", "1.0.0");
        var slow = await _upstream.PublishAsync("mx-slow", "1.0.0", padding: 100_000);
        _proxy.Plan = (path, n) => path == slow.DownloadPath && n == 1 ? Fault.Stall : Fault.None;
        _mirror.Init($"sparse+{_proxy.BaseAddress}index/", $"{_proxy.BaseAddress}api/v1/crates",
            new SelectionConfig { Crates = ["mx-quick", "mx-slow"] }, MirrorHarness.FastRetries() with { StallTimeoutSeconds = 600 });
        var port = FreePort();

        var sync = MirrorHarness.CliAsync("mirror", "sync", _mirror.Root, "--plain", "--metrics", $"127.0.0.1:{port}");
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
        _proxy.ReleaseStalls();

        var (exit, output, error) = await sync;
        Assert.True(exit == 0, output + error);
        Assert.True(_mirror.HasVerified(quick) && _mirror.HasVerified(slow));
        Assert.Contains("1 retry", output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
