using System.Globalization;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// A builder whose CPU-time limit is a few seconds and whose wall-clock timeout is far away, so a spinning build script
/// is stopped by the CPU limit and not by the timeout. One build at a time: the next build waits behind the spinning one.
/// </summary>
public sealed class CpuLimitDocsBuilderServerFixture : ServerFixture
{
    /// <summary>Enough for cargo, rustc compiling a build script and rustdoc on a small crate; far less than a spin gets.</summary>
    public const int CpuSeconds = 4;

    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Docs__Build__Enabled"] = "true",
            ["GHOSTCRATE_Docs__Build__CpuSeconds"] = CpuSeconds.ToString(CultureInfo.InvariantCulture),
            ["GHOSTCRATE_Docs__Build__Timeout"] = DocsBuilderServerFixture.BuildTimeout.ToString(),
            ["GHOSTCRATE_Docs__Build__Concurrency"] = "1",
            ["GHOSTCRATE_Docs__Build__Cargo"] = CargoSandbox.CargoPath,
        },
    };
}

/// <summary>
/// Docs:Build:CpuSeconds with the real cargo in the sandbox (docs/rustdoc.md, "How a build runs", step 5): a build script
/// that burns CPU for ever is stopped by RLIMIT_CPU, the build fails saying the CPU-time limit was hit (not the
/// timeout, not a bare failure), nothing of it is left, and the build queued behind it runs and is built.
/// </summary>
public sealed class DocsBuildCpuLimitTests(CpuLimitDocsBuilderServerFixture fixture) : EndToEndTest(fixture), IClassFixture<CpuLimitDocsBuilderServerFixture>
{
    [Fact]
    public async Task A_build_script_that_spins_is_stopped_by_the_cpu_time_limit_and_the_next_build_still_runs()
    {
        var spinning = await Cargo.NewLibAsync($"docspin-{Ids.New()}",
            packageFields: "build = \"build.rs\"",
            files: new Dictionary<string, string>
            {
                ["src/lib.rs"] = "pub struct Spinning;\n",
                // Burns CPU without end, never sleeps: only a CPU limit (or the far-away timeout) can stop it.
                ["build.rs"] = "fn main() {\n    let mut x: u64 = 0;\n    loop { x = x.wrapping_mul(6364136223846793005).wrapping_add(1); std::hint::black_box(x); }\n}\n",
            });
        // --no-verify: verifying would run the build script here, where nothing limits it.
        await Cargo.PublishOkAsync(spinning, verify: false);
        var next = await Cargo.NewLibAsync($"docafterspin-{Ids.New()}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = "/// Built after the spinning build.\npub struct AfterTheSpin;\n" });
        await Cargo.PublishOkAsync(next);

        var status = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, spinning.Name);
        var log = status["log"]!.GetValue<string>();
        TestContext.Current.TestOutputHelper?.WriteLine(log);
        Assert.True(status["status"]!.GetValue<string>() == "failed", status.ToJsonString());
        Assert.False(status["has_docs"]!.GetValue<bool>());
        Assert.Contains(
            $"failed: a process of the build used up its CPU time: Docs:Build:CpuSeconds allows {CpuLimitDocsBuilderServerFixture.CpuSeconds} s per process (it was stopped by SIGXCPU)",
            log);
        Assert.Contains("build-script-build", log);
        Assert.DoesNotContain("Docs:Build:Timeout", log);
        DocsBuildTests.AssertNoBuildProcessLeft(Server.DataDir, spinning.Name);

        var after = await DocsBuildTests.WaitForBuildAsync(Http, Server.AdminToken, next.Name);
        Assert.True(after["status"]!.GetValue<string>() == "built", after.ToJsonString());
        var page = await Http.GetAsync($"/docs/{next.Name}/0.1.0/{next.RustName}/struct.AfterTheSpin.html", cancellationToken: Cancel);
        Assert.True(page.Status == System.Net.HttpStatusCode.OK, page.Describe());
        await DocsBuildTests.AssertScratchEmpty(Server.DataDir, Cancel);
    }
}
