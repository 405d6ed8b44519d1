using System.Diagnostics;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>`ghostcrate mirror sync` killed midway (SIGKILL of the real process), then run again.</summary>
public sealed class KillAndResumeTests : IAsyncLifetime
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
    public async Task A_killed_sync_resumes_without_downloading_verified_files_again()
    {
        var crates = new List<PublishedCrate>();
        foreach (var name in new[] { "k-one", "k-two", "k-three", "k-four", "k-five" }) crates.Add(await _upstream.PublishAsync(name, "1.0.0", padding: 30_000));
        var slow = await _upstream.PublishAsync("k-slow", "1.0.0", padding: 200_000);
        // The slow file sends half its bytes and then hangs: the sync is certainly midway when we kill it.
        _proxy.Plan = (path, _) => path == slow.DownloadPath ? Fault.Stall : Fault.None;
        _mirror.Init($"sparse+{_proxy.BaseAddress}index/", $"{_proxy.BaseAddress}api/v1/crates",
            new SelectionConfig { Crates = [.. crates.Select(c => c.Name), slow.Name] },
            MirrorHarness.FastRetries() with { StallTimeoutSeconds = 600 });

        using var process = StartCli("mirror", "sync", _mirror.Root, "--plain");
        var partial = _mirror.Layout.PartialFile(slow.Name, slow.Version);
        await WaitUntilAsync(() => crates.All(_mirror.HasVerified) && File.Exists(partial) && new FileInfo(partial).Length > 0, process);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.False(File.Exists(_mirror.CratePath(slow)));
        var before = crates.ToDictionary(c => c.Name, c => _proxy.Count(c.DownloadPath));
        var partialBytes = new FileInfo(partial).Length;
        _proxy.Plan = (_, _) => Fault.None;

        var (exit, output, error) = await MirrorHarness.CliAsync("mirror", "sync", _mirror.Root, "--plain");

        Assert.True(exit == 0, output + error);
        Assert.Contains("1 file(s) downloaded", output);
        Assert.Contains("5 already present", output);
        Assert.All(crates, c => Assert.Equal(before[c.Name], _proxy.Count(c.DownloadPath)));
        Assert.True(_mirror.HasVerified(slow));
        Assert.Contains(_proxy.Requests, r => r.Path == slow.DownloadPath && r.Range == $"bytes={partialBytes}-");
        Assert.Equal(["1.0.0"], _mirror.ServedVersions(slow.Name));
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", _mirror.Root)).Exit);
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

    private static async Task WaitUntilAsync(Func<bool> condition, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(process.HasExited, $"the sync exited early with {(process.HasExited ? process.ExitCode : 0)}");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the sync did not reach the midway point in 60 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
