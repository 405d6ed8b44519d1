using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// Toolchains across the air gap in the crate mirror's signed bundles: side A syncs crates (from a real GhostCrate)
/// and toolchains (from a synthesized, gpg-signed dist tree) into one directory, exports it; side B, a fresh directory,
/// imports it (signature and hashes checked, toolchain archives against their manifests) and serves it with every
/// upstream stopped, to the real rustup 1.29 and the real cargo. Increments carry a new release; a damaged toolchain
/// file is refused and the previous state keeps serving.
/// </summary>
public sealed class ToolchainBundleTests(GpgKey key) : IAsyncLifetime, IClassFixture<GpgKey>
{
    private readonly Gpg _gpg = key.Gpg;
    private readonly string _work = TempDir.Create("toolchain-bundles");
    private readonly RustupHome _rustup = new();
    private SyntheticDist _dist = null!;
    private UpstreamRegistry _registry = null!;
    private MirrorHarness _online = null!;

    private string Offline => Path.Combine(_work, "offline");

    public async ValueTask InitializeAsync()
    {
        _dist = new SyntheticDist(_gpg);
        _registry = await UpstreamRegistry.StartAsync();
        await _registry.PublishAsync("air-lib", "1.0.0");
        _online = new MirrorHarness(Path.Combine(_work, "online"));
        _online.Init(_registry.SparseIndexUrl, selection: new SelectionConfig { Crates = ["air-lib"] });
        Assert.True((await _online.SyncAsync()).Complete);
        await SyncToolchainsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _online.DisposeAsync();
        await _registry.DisposeAsync();
        _dist.Dispose();
        _rustup.Dispose();
        TempDir.Delete(_work);
    }

    /// <summary>`ghostcrate toolchain sync` on side A, with the dist server up only for the sync.</summary>
    private async Task SyncToolchainsAsync()
    {
        await using var upstream = await StaticDistServer.StartAsync(_dist.Root);
        var sync = await MirrorHarness.CliAsync("toolchain", "sync", _online.Root, "--hosts", SyntheticDist.Host, "--targets", SyntheticDist.Cross,
            "--components", "rust-src", "--dist-server", upstream.BaseAddress.AbsoluteUri, "--key", _gpg.PublicKeyFile);
        Assert.True(sync.Exit == 0, sync.Out + sync.Err);
    }

    private async Task<string> ExportAsync(string name, bool incremental = false)
    {
        var file = Path.Combine(_work, name);
        var args = new List<string> { "mirror", "export", _online.Root, "--out", file, "--key", _gpg.SecretKeyFile };
        if (incremental) args.AddRange(["--since", "latest"]);
        var result = await MirrorHarness.CliAsync([.. args]);
        Assert.True(result.Exit == 0, result.Out + result.Err);
        return file;
    }

    private static Task<(int Exit, string Out, string Err)> ImportAsync(string bundle, string into, string trustedKey) =>
        MirrorHarness.CliAsync("mirror", "import", bundle, "--into", into, "--trusted-key", trustedKey);

    [Fact]
    public async Task Crates_and_toolchains_cross_the_gap_and_rustup_and_cargo_use_them_with_every_upstream_stopped()
    {
        var bundle = await ExportAsync("full.tar");
        await _registry.DisposeAsync();
        _registry = await UpstreamRegistry.StartAsync(); // a different, empty "crates.io": the original is gone

        var imported = await ImportAsync(bundle, Offline, _gpg.PublicKeyFile);
        Assert.True(imported.Exit == 0, imported.Out + imported.Err);
        Assert.Contains("Imported mark 1 (full)", imported.Out);
        var verify = await MirrorHarness.CliAsync("mirror", "verify", Offline);
        Assert.True(verify.Exit == 0, verify.Out + verify.Err);
        // 1 crate, 6 toolchain archives and 6 manifests (stable, 1.95, 1.95.0, each dated and undated).
        Assert.Contains("Checked 13 file(s): 0 missing, 0 corrupt", verify.Out);
        var diff = await MirrorHarness.CliAsync("mirror", "diff", Offline);
        Assert.Contains("0 missing, 0 extra, 0 yanked", diff.Out);

        await using var server = await MirrorServer.StartAsync(Offline);
        var install = await _rustup.RunAsync(server.BaseAddress, "toolchain", "install", "stable", "--profile", "default");
        Assert.True(install.Exit == 0, install.Output);
        Assert.Contains("rustc 1.95.0 (5ynth371c 2026-04-16)", (await _rustup.RunAsync(server.BaseAddress, "run", "stable", "rustc", "--version")).Output);
        var pinned = await _rustup.RunAsync(server.BaseAddress, "toolchain", "install", "1.95", "--profile", "minimal", "--target", SyntheticDist.Cross);
        Assert.True(pinned.Exit == 0, pinned.Output);
        Assert.True(File.Exists(Path.Combine(_rustup.Toolchain("1.95"), "lib", "rustlib", SyntheticDist.Cross, "lib", "libstd-synthetic.rlib")));

        // The machine's real cargo (its own toolchain; the mirrored one above is synthetic) builds against the mirror.
        var build = await CargoBuildAsync(server.BaseAddress, "air-lib = \"1.0.0\"", "pub fn twice() -> u32 { air_lib::answer() * 2 }\n");
        Assert.True(build.Exit == 0, build.Output);
        Assert.Contains("air-lib v1.0.0", build.Output);
    }

    [Fact]
    public async Task An_increment_carries_only_the_new_release_and_rustup_update_moves_to_it()
    {
        var full = await ExportAsync("full.tar");
        Assert.Equal(0, (await ImportAsync(full, Offline, _gpg.PublicKeyFile)).Exit);
        await using var server = await MirrorServer.StartAsync(Offline);
        var install = await _rustup.RunAsync(server.BaseAddress, "toolchain", "install", "stable", "--profile", "default");
        Assert.True(install.Exit == 0, install.Output);

        _dist.Publish("1.96.0", "2026-05-28");
        await SyncToolchainsAsync();
        var increment = await ExportAsync("inc.tar", incremental: true);
        var entries = BundleEntries(increment);
        Assert.Contains($"toolchains/dist/2026-05-28/rustc-1.96.0-{SyntheticDist.Host}.tar.gz", entries);
        Assert.Contains("toolchains/dist/channel-rust-stable.toml", entries);
        Assert.DoesNotContain(entries, e => e.Contains("2026-04-16", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.StartsWith("crates/", StringComparison.Ordinal));

        var imported = await ImportAsync(increment, Offline, _gpg.PublicKeyFile);
        Assert.True(imported.Exit == 0, imported.Out + imported.Err);
        Assert.Contains("Imported mark 2 (after mark 1)", imported.Out);

        var update = await _rustup.RunAsync(server.BaseAddress, "update", "stable");
        Assert.True(update.Exit == 0, update.Output);
        Assert.Contains("rustc 1.96.0 (5ynth371c 2026-05-28)", (await _rustup.RunAsync(server.BaseAddress, "run", "stable", "rustc", "--version")).Output);
        // The older release stays installable by version.
        var older = await _rustup.RunAsync(server.BaseAddress, "toolchain", "install", "1.95.0", "--profile", "minimal");
        Assert.True(older.Exit == 0, older.Output);
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "verify", Offline)).Exit);
    }

    [Fact]
    public async Task A_damaged_toolchain_archive_is_refused_on_import_and_the_previous_state_keeps_serving()
    {
        Assert.Equal(0, (await ImportAsync(await ExportAsync("full.tar"), Offline, _gpg.PublicKeyFile)).Exit);
        var servedBefore = File.ReadAllBytes(Path.Combine(Offline, "current", "toolchains", "dist", "channel-rust-stable.toml"));

        // Side A's disk flips bytes in a verified archive after the sync: verify names it, the bundle carries it signed.
        _dist.Publish("1.96.0", "2026-05-28");
        await SyncToolchainsAsync();
        var damaged = Path.Combine(_online.Root, "toolchains", "dist", "2026-05-28", $"cargo-1.96.0-{SyntheticDist.Host}.tar.gz");
        var bytes = File.ReadAllBytes(damaged);
        bytes[bytes.Length / 2] ^= 0x40;
        await using (var stream = new FileStream(damaged, FileMode.Open, FileAccess.Write)) stream.Write(bytes); // in place: the served link sees it too
        var verify = await MirrorHarness.CliAsync("mirror", "verify", _online.Root);
        Assert.Equal(4, verify.Exit);
        Assert.Contains($"corrupt toolchain dist/2026-05-28/cargo-1.96.0-{SyntheticDist.Host}.tar.gz", verify.Out);

        var increment = await ExportAsync("inc.tar", incremental: true);
        var refused = await ImportAsync(increment, Offline, _gpg.PublicKeyFile);
        Assert.Equal(2, refused.Exit);
        Assert.Contains($"cargo-1.96.0-{SyntheticDist.Host}.tar.gz hashes to", refused.Err);
        Assert.Contains("nothing was imported", refused.Err);
        Assert.Equal(servedBefore, File.ReadAllBytes(Path.Combine(Offline, "current", "toolchains", "dist", "channel-rust-stable.toml")));
        Assert.False(Directory.Exists(Path.Combine(Offline, "toolchains", "dist", "2026-05-28")), "nothing of the refused bundle is stored");
        Assert.False(Directory.Exists(Path.Combine(Offline, "current", "toolchains", "dist", "2026-05-28")));

        // A byte flipped inside a toolchain archive in transit: the signed inventory refuses the bundle.
        var full = File.ReadAllBytes(await ExportAsync("again.tar"));
        var archive = File.ReadAllBytes(Path.Combine(_online.Root, "toolchains", "dist", "2026-04-16", $"rustc-1.95.0-{SyntheticDist.Host}.tar.gz"));
        var at = full.AsSpan().IndexOf(archive);
        Assert.True(at > 0);
        full[at + archive.Length / 2] ^= 0x01;
        var tampered = Path.Combine(_work, "tampered.tar");
        File.WriteAllBytes(tampered, full);
        var fresh = Path.Combine(_work, "fresh");
        var refusedFull = await ImportAsync(tampered, fresh, _gpg.PublicKeyFile);
        Assert.Equal(2, refusedFull.Exit);
        Assert.Contains("does not match the signed inventory", refusedFull.Err);
        Assert.False(Directory.Exists(Path.Combine(fresh, "current")));
        Assert.False(Directory.Exists(Path.Combine(fresh, "toolchains")));
    }

    private static List<string> BundleEntries(string bundle)
    {
        using var reader = new System.Formats.Tar.TarReader(File.OpenRead(bundle));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry) names.Add(entry.Name);
        return names;
    }

    private Task<(int Exit, string Output)> CargoBuildAsync(Uri server, string dependency, string code) =>
        OfflineCargo.RunAsync(_work, server, "air-app", dependency, code);
}
