using GhostCrate.Core.Docs.Build;
using GhostCrate.Core.Options;

namespace GhostCrate.Core.Tests.Docs;

/// <summary>
/// Which per-process limit ended a failed build, read from what cargo reports of its processes (the end-to-end proof
/// with a real build script: EndToEnd DocsBuildCpuLimitTests).
/// </summary>
public sealed class BuildLimitReportTests
{
    private static readonly DocsBuildOptions Options = new() { CpuSeconds = 7, MemoryBytes = 1 << 30 };

    [Theory]
    // cargo-util names only some signals: SIGXCPU comes as its number.
    [InlineData("  process didn't exit successfully: `/s/target/debug/build/spin-1/build-script-build` (signal: 24)")]
    [InlineData("  process didn't exit successfully: `rustc --crate-name spin` (signal: 24, SIGXCPU: CPU time limit exceeded)")]
    // cargo itself ended by it (BuildProcess's line for the step's own process).
    [InlineData("(exit code 152: SIGXCPU, CPU time limit (Docs:Build:CpuSeconds))")]
    public void A_process_stopped_by_SIGXCPU_is_reported_as_the_cpu_time_limit(string line)
    {
        var report = DocsBuilder.LimitHit($"   Compiling spin v0.1.0\nerror: failed to run custom build command\n{line}\nfailed: `cargo doc` did not succeed\n", Options);
        Assert.Equal("failed: a process of the build used up its CPU time: Docs:Build:CpuSeconds allows 7 s per process (it was stopped by SIGXCPU)", report);
    }

    [Fact]
    public void Memory_and_sigkill_have_their_own_reports_and_other_failures_none()
    {
        Assert.Contains("ran out of memory: Docs:Build:MemoryBytes allows 1073741824 bytes", DocsBuilder.LimitHit("memory allocation of 3221225472 bytes failed", Options));
        Assert.Contains("killed (SIGKILL)", DocsBuilder.LimitHit("(signal: 9, SIGKILL: kill)", Options));
        Assert.Null(DocsBuilder.LimitHit("error[E0425]: cannot find value `x` in this scope", Options));
        // Signal 240 does not exist, but the number must not match a longer one (nor 2, 4 alone).
        Assert.Null(DocsBuilder.LimitHit("(signal: 240)\n(signal: 2)", Options));
    }
}
