using System.Text.Json;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

public sealed class SidecarTests : IAsyncLifetime
{
    private UpstreamRegistry _upstream = null!;
    private MirrorHarness _mirror = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await UpstreamRegistry.StartAsync();
        _mirror = new MirrorHarness();
    }

    public async ValueTask DisposeAsync()
    {
        await _mirror.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task One_deterministic_sidecar_per_version_with_dependencies_license_and_yank()
    {
        var basis = await _upstream.PublishAsync("sc-base", "1.0.0", license: "MIT OR Apache-2.0");
        await _upstream.PublishAsync("sc-top", "0.2.0", deps: [CrateFileBuilder.Dependency("sc-base", "^1.0")], license: "MIT");
        await _upstream.YankAsync("sc-base", "1.0.0");
        _mirror.Init(_upstream.SparseIndexUrl, selection: new SelectionConfig { Crates = ["sc-base", "sc-top"] });
        Assert.True((await _mirror.SyncAsync()).Complete);

        var first = await MirrorHarness.CliAsync("mirror", "sidecars", _mirror.Root);
        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains("2 written", first.Out);
        var top = JsonDocument.Parse(File.ReadAllText(Path.Combine(_mirror.Layout.SidecarsDir, "sc-top", "0.2.0.json"))).RootElement;
        Assert.Equal("sc-top", top.GetProperty("name").GetString());
        Assert.Equal("MIT", top.GetProperty("license").GetString());
        Assert.Equal("sc-base", top.GetProperty("dependencies")[0].GetProperty("name").GetString());
        Assert.Equal("^1.0", top.GetProperty("dependencies")[0].GetProperty("req").GetString());
        var baseSidecar = File.ReadAllText(Path.Combine(_mirror.Layout.SidecarsDir, "sc-base", "1.0.0.json"));
        var parsed = JsonDocument.Parse(baseSidecar).RootElement;
        Assert.True(parsed.GetProperty("yanked").GetBoolean());
        Assert.Equal(basis.Cksum, parsed.GetProperty("checksum").GetString());
        Assert.Equal(basis.Bytes.Length, parsed.GetProperty("size").GetInt64());
        Assert.Equal("MIT OR Apache-2.0", parsed.GetProperty("license").GetString());

        var second = await MirrorHarness.CliAsync("mirror", "sidecars", _mirror.Root);
        Assert.Contains("0 written, 2 unchanged", second.Out);
        Assert.Equal(baseSidecar, File.ReadAllText(Path.Combine(_mirror.Layout.SidecarsDir, "sc-base", "1.0.0.json")));
    }
}
