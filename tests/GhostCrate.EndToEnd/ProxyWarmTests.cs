using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// `ghostcrate proxy warm --lock Cargo.lock` on the proxy's data, then the upstream goes away: a build machine with a
/// fresh CARGO_HOME builds the locked project from the proxy alone. Its own pair of servers, because it stops U.
/// </summary>
public sealed class ProxyWarmTests(ProxyWarmTests.Pair fixture) : ProxyEndToEndTest(fixture), IClassFixture<ProxyWarmTests.Pair>
{
    public sealed class Pair : ProxyPairFixture
    {
        // The warm command is what fetches the crates here: the developer's resolve would otherwise have them fetched
        // ahead (Core/Proxy/ProxyCratePrefetch), and the command would find them cached.
        protected override Dictionary<string, string> ProxySettingsFor(GhostCrateServer upstream)
        {
            var settings = ProxySettings(upstream);
            settings["GHOSTCRATE_Proxy__Upstreams__crates-io__PrefetchCrates"] = "false";
            return settings;
        }
    }

    [Fact]
    public async Task Warming_from_a_lockfile_lets_a_build_machine_go_offline()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var low = await publisher.NewLibAsync($"low-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn low() -> u32 { 1 }\n" });
        await publisher.PublishOkAsync(low);
        var high = await publisher.NewLibAsync($"high-{id}", dependencies: $"{low.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn high() -> u32 {{ {low.RustName}::low() + 1 }}\n" });
        await publisher.PublishOkAsync(high);

        // The developer's machine resolves the project (index files only) and commits Cargo.lock.
        var developer = await ConsumerOfProxyAsync();
        var project = await developer.NewLibAsync($"app-{id}", dependencies: $"{high.Name} = \"0.1\"",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn total() -> u32 {{ {high.RustName}::high() }}\n" });
        await developer.RunOkAsync(project.Directory, ["generate-lockfile"]);

        var warm = await Proxy.RunCliAsync(["proxy", "warm", "--lock", project.LockPath, "--data-dir", Proxy.DataDir], cancellationToken: Cancel);
        Assert.True(warm.Succeeded, warm.Describe());
        Assert.Contains($"Fetched          {low.Name}@0.1.0", warm.StdOut);
        Assert.Contains($"Fetched          {high.Name}@0.1.0", warm.StdOut);
        Assert.Contains("2 of 2 cached from upstream `crates-io`", warm.StdOut);

        await Upstream.StopAsync();

        var buildMachine = await ConsumerOfProxyAsync();
        var build = await buildMachine.RunAsync(project.Directory, ["build", "--locked"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(build.Succeeded, "the warmed project must build with U gone:\n" + build.Describe());

        var status = await Proxy.RunCliAsync(["proxy", "status", "--data-dir", Proxy.DataDir], cancellationToken: Cancel);
        Assert.True(status.Succeeded, status.Describe());
        Assert.Contains("2 crate files", status.StdOut);
    }
}
