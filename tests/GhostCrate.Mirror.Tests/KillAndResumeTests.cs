using System.Diagnostics;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>`ghostcrate mirror sync` killed midway (SIGKILL of the real process), then run again.</summary>
public sealed class KillAndResumeTests : ProxiedUpstreamTest
{
    [Fact]
    public async Task A_killed_sync_resumes_without_downloading_verified_files_again()
    {
        var crates = new List<PublishedCrate>();
        foreach (var name in new[] { "k-one", "k-two", "k-three", "k-four", "k-five" }) crates.Add(await Upstream.PublishAsync(name, "1.0.0", padding: 30_000));
        var slow = await Upstream.PublishAsync("k-slow", "1.0.0", padding: 200_000);
        // The slow file sends half its bytes and then hangs: the sync is certainly midway when we kill it.
        Proxy.Plan = (path, _) => path == slow.DownloadPath ? Fault.Stall : Fault.None;
        Harness.Init($"sparse+{Proxy.BaseAddress}index/", $"{Proxy.BaseAddress}api/v1/crates",
            new SelectionConfig { Crates = [.. crates.Select(c => c.Name), slow.Name] },
            MirrorHarness.FastRetries() with { StallTimeoutSeconds = 600 });

        using var process = StartCli("mirror", "sync", Harness.Root, "--plain");
        var partial = Harness.Layout.PartialFile(slow.Name, slow.Version);
        await WaitUntilAsync(() => crates.All(Harness.HasVerified) && File.Exists(partial) && new FileInfo(partial).Length > 0, process);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.False(File.Exists(Harness.CratePath(slow)));
        // The index moves in one step at the end of a run: the killed run's verified files are kept but not yet listed.
        Assert.All(crates, c => Assert.Empty(Harness.ServedVersions(c.Name)));
        var before = crates.ToDictionary(c => c.Name, c => Proxy.Count(c.DownloadPath));
        var partialBytes = new FileInfo(partial).Length;
        Proxy.Plan = (_, _) => Fault.None;

        var (exit, output, error) = await MirrorHarness.CliAsync("mirror", "sync", Harness.Root, "--plain");

        Assert.True(exit == 0, output + error);
        Assert.Contains("1 file(s) downloaded", output);
        Assert.Contains("5 already present", output);
        Assert.All(crates, c => Assert.Equal(before[c.Name], Proxy.Count(c.DownloadPath)));
        Assert.True(Harness.HasVerified(slow));
        Assert.Contains(Proxy.Requests, r => r.Path == slow.DownloadPath && r.Range == $"bytes={partialBytes}-");
        Assert.Equal(["1.0.0"], Harness.ServedVersions(slow.Name));
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", Harness.Root)).Exit);
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
