using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Sync;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// `mirror sync` keeps .ghostcrate/sync-status.json current for the admin page of `ghostcrate serve` (another process):
/// progress and a heartbeat while it runs, the result when it ends.
/// </summary>
public sealed class SyncStatusFileTests : IAsyncLifetime
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
    public async Task A_finished_sync_leaves_its_result_and_numbers()
    {
        var crates = new List<PublishedCrate>();
        foreach (var name in new[] { "st-one", "st-two", "st-three" }) crates.Add(await _upstream.PublishAsync(name, "1.0.0", padding: 5_000));
        _mirror.Init(_upstream.SparseIndexUrl, null, new SelectionConfig { Crates = [.. crates.Select(c => c.Name)] });
        Assert.Null(SyncStatus.Load(_mirror.Layout));

        var (exit, output, error) = await MirrorHarness.CliAsync("mirror", "sync", _mirror.Root, "--plain");

        Assert.True(exit == 0, output + error);
        var status = SyncStatus.Load(_mirror.Layout)!;
        Assert.Equal(SyncPhases.Complete, status.Phase);
        Assert.False(status.Running);
        Assert.Equal(3, status.FilesQueued);
        Assert.Equal(3, status.FilesDone);
        Assert.Equal(3, status.FilesDownloaded);
        Assert.Equal(crates.Sum(c => (long)c.Bytes.Length), status.Bytes);
        Assert.Equal(0, status.Failures);
        Assert.Equal(3, status.IndexFilesUpdated);
        Assert.NotNull(status.FinishedAt);
        Assert.True(status.StartedAt <= status.FinishedAt);
        Assert.Equal(Environment.ProcessId, status.ProcessId);
        Assert.Null(status.LastError);

        // A second run finds everything present and says so.
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "sync", _mirror.Root, "--plain")).Exit);
        status = SyncStatus.Load(_mirror.Layout)!;
        Assert.Equal(SyncPhases.Complete, status.Phase);
        Assert.Equal(0, status.FilesDownloaded);
        Assert.Equal(3, status.FilesPresent);
    }

    [Fact]
    public async Task A_running_sync_reports_progress_with_a_heartbeat_and_a_refused_second_sync_does_not_overwrite_it()
    {
        var crates = new List<PublishedCrate>();
        foreach (var name in new[] { "sr-one", "sr-two", "sr-three" }) crates.Add(await _upstream.PublishAsync(name, "1.0.0", padding: 20_000));
        var slow = await _upstream.PublishAsync("sr-slow", "1.0.0", padding: 200_000);
        _proxy.Plan = (path, _) => path == slow.DownloadPath ? Fault.Stall : Fault.None;
        _mirror.Init($"sparse+{_proxy.BaseAddress}index/", $"{_proxy.BaseAddress}api/v1/crates",
            new SelectionConfig { Crates = [.. crates.Select(c => c.Name), slow.Name] },
            MirrorHarness.FastRetries() with { StallTimeoutSeconds = 600 });

        using var process = StartCli("mirror", "sync", _mirror.Root, "--plain");
        var running = await WaitForStatusAsync(s => s.FilesDone == 3 && s.FilesQueued == 4, process);
        Assert.Equal(SyncPhases.Syncing, running.Phase);
        Assert.True(running.Running);
        Assert.Equal(process.Id, running.ProcessId);
        Assert.Null(running.FinishedAt);
        Assert.True(running.Bytes >= crates.Sum(c => (long)c.Bytes.Length));

        // The heartbeat: the file is rewritten while the download hangs and nothing else happens.
        var beat = await WaitForStatusAsync(s => s.UpdatedAt > running.UpdatedAt, process);
        Assert.Equal(3, beat.FilesDone);

        var (exit, _, error) = await MirrorHarness.CliAsync("mirror", "sync", _mirror.Root, "--plain");
        Assert.Equal(2, exit);
        Assert.Contains("another mirror operation", error);
        Assert.Equal(process.Id, SyncStatus.Load(_mirror.Layout)!.ProcessId);

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        // A killed sync cannot say so: the file stays "syncing" and only its heartbeat age tells (the admin page).
        var left = SyncStatus.Load(_mirror.Layout)!;
        Assert.True(left.Running);
        Assert.Null(left.FinishedAt);
    }

    [Fact]
    public async Task An_interrupted_sync_says_so()
    {
        var slow = await _upstream.PublishAsync("si-slow", "1.0.0", padding: 200_000);
        _proxy.Plan = (path, _) => path == slow.DownloadPath ? Fault.Stall : Fault.None;
        _mirror.Init($"sparse+{_proxy.BaseAddress}index/", $"{_proxy.BaseAddress}api/v1/crates",
            new SelectionConfig { Crates = [slow.Name] }, MirrorHarness.FastRetries() with { StallTimeoutSeconds = 600 });

        using var process = StartCli("mirror", "sync", _mirror.Root, "--plain");
        await WaitForStatusAsync(s => s.FilesQueued == 1 && s.Bytes > 0, process);
        using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await interrupt.WaitForExitAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(130, process.ExitCode);
        var status = SyncStatus.Load(_mirror.Layout)!;
        Assert.Equal(SyncPhases.Interrupted, status.Phase);
        Assert.False(status.Running);
        Assert.NotNull(status.FinishedAt);
    }

    [Fact]
    public async Task A_sync_that_cannot_reach_its_upstream_records_the_failure()
    {
        var port = ClosedPort();
        _mirror.Init($"sparse+http://127.0.0.1:{port}/index/", $"http://127.0.0.1:{port}/api/v1/crates",
            new SelectionConfig { Crates = ["anything"] }, MirrorHarness.FastRetries(maxAttempts: 2));

        var (exit, output, error) = await MirrorHarness.CliAsync("mirror", "sync", _mirror.Root, "--plain");

        Assert.NotEqual(0, exit);
        var status = SyncStatus.Load(_mirror.Layout);
        Assert.True(status is not null, output + error);
        Assert.False(status.Running);
        Assert.Contains(status.Phase, new[] { SyncPhases.Failed, SyncPhases.Incomplete });
        Assert.False(string.IsNullOrWhiteSpace(status.LastError));
        Assert.NotNull(status.FinishedAt);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<SyncStatus> WaitForStatusAsync(Func<SyncStatus, bool> condition, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (SyncStatus.Load(_mirror.Layout) is { } status && condition(status)) return status;
            Assert.False(process.HasExited, $"the sync exited early with {(process.HasExited ? process.ExitCode : 0)}");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the status file did not reach the expected state in 60 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static Process StartCli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ghostcrate.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("GHOSTCRATE_", StringComparison.OrdinalIgnoreCase)))
            psi.Environment.Remove(key);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
