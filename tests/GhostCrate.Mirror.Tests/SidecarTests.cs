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

    [Fact]
    public async Task Sidecars_of_versions_no_longer_served_are_removed_and_reruns_are_identical()
    {
        await _upstream.PublishAsync("st-keep", "1.0.0");
        await _upstream.PublishAsync("st-keep", "1.1.0");
        await _upstream.PublishAsync("st-keep", "2.0.0");
        var config = _mirror.Init(_upstream.SparseIndexUrl, selection: new SelectionConfig { Crates = ["st-keep"] });
        Assert.True((await _mirror.SyncAsync()).Complete);
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "sidecars", _mirror.Root)).Exit);
        var folder = Path.Combine(_mirror.Layout.SidecarsDir, "st-keep");
        Assert.Equal(["1.0.0.json", "1.1.0.json", "2.0.0.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // A crate the mirror once served and no longer does (e.g. an import removed its index file).
        Directory.CreateDirectory(Path.Combine(_mirror.Layout.SidecarsDir, "st-gone"));
        File.WriteAllText(Path.Combine(_mirror.Layout.SidecarsDir, "st-gone", "0.1.0.json"), "{}\n");

        MirrorConfigFile.Save(_mirror.Layout, config with { Selection = config.Selection with { KeepLatest = 1 } });
        Assert.True((await _mirror.SyncAsync()).Complete);
        Assert.Equal(["2.0.0"], _mirror.ServedVersions("st-keep"));

        var pruned = await MirrorHarness.CliAsync("mirror", "sidecars", _mirror.Root);
        Assert.True(pruned.Exit == 0, pruned.Err);
        Assert.Contains("0 written, 1 unchanged, 3 stale removed", pruned.Out);
        Assert.Equal(["2.0.0.json"], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(_mirror.Layout.SidecarsDir, "st-gone")));
        var kept = File.ReadAllBytes(Path.Combine(folder, "2.0.0.json"));

        var again = await MirrorHarness.CliAsync("mirror", "sidecars", _mirror.Root);
        Assert.Contains("0 written, 1 unchanged, 0 stale removed", again.Out);
        Assert.Equal(kept, File.ReadAllBytes(Path.Combine(folder, "2.0.0.json")));
    }
}
