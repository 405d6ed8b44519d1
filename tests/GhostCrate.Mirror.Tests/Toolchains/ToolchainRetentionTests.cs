using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// New stable releases synced into a served mirror, as an operator runs it: `toolchain sync --keep-stable 2` after each
/// release, GhostCrate serving the directory throughout, and the real rustup 1.29 updating from it.
/// </summary>
public sealed class ToolchainRetentionTests(GpgKey key) : IAsyncLifetime, IClassFixture<GpgKey>
{
    private readonly Gpg _gpg = key.Gpg;
    private readonly string _mirror = TempDir.Create("retention-mirror");
    private readonly RustupHome _rustup = new();
    private SyntheticDist _dist = null!;
    private MirrorServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _dist = new SyntheticDist(_gpg);
        Assert.DoesNotContain("retention:", await SyncAsync());
        _server = await MirrorServer.StartAsync(_mirror);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dist.Dispose();
        _rustup.Dispose();
        TempDir.Delete(_mirror);
    }

    private async Task<string> SyncAsync()
    {
        await using var upstream = await StaticDistServer.StartAsync(_dist.Root);
        var sync = await MirrorHarness.CliAsync("toolchain", "sync", _mirror, "--hosts", SyntheticDist.Host, "--keep-stable", "2",
            "--dist-server", upstream.BaseAddress.AbsoluteUri, "--key", _gpg.PublicKeyFile);
        Assert.True(sync.Exit == 0, sync.Out + sync.Err);
        return sync.Out;
    }

    private Task<(int Exit, string Output)> RustupAsync(params string[] args) => _rustup.RunAsync(_server.BaseAddress, args);

    private string Served(string relative) => Path.Combine(_mirror, "current", "toolchains", relative);

    [Fact]
    public async Task Rustup_update_follows_each_synced_release_and_only_the_last_two_stay_served()
    {
        var install = await RustupAsync("toolchain", "install", "stable", "--profile", "minimal");
        Assert.True(install.Exit == 0, install.Output);
        Assert.Contains("rustc 1.95.0", (await RustupAsync("run", "stable", "rustc", "--version")).Output);

        _dist.Publish("1.96.0", "2026-05-28");
        Assert.DoesNotContain("retention:", await SyncAsync());
        var update = await RustupAsync("update", "stable");
        Assert.True(update.Exit == 0, update.Output);
        Assert.Contains("rustc 1.96.0 (5ynth371c 2026-05-28)", (await RustupAsync("run", "stable", "rustc", "--version")).Output);
        Assert.True(File.Exists(Served("dist/2026-04-16/channel-rust-1.95.0.toml")), "two releases are kept");

        _dist.Publish("1.97.0", "2026-07-09");
        Assert.Contains("retention: Rust 1.95.0 (2026-04-16) removed from the served state", await SyncAsync());
        update = await RustupAsync("update", "stable");
        Assert.True(update.Exit == 0, update.Output);
        Assert.Contains("rustc 1.97.0 (5ynth371c 2026-07-09)", (await RustupAsync("run", "stable", "rustc", "--version")).Output);

        // 1.95.0 is gone under every name, its archives too (served and stored); aliases of the kept releases agree.
        Assert.False(Directory.Exists(Served("dist/2026-04-16")));
        Assert.False(Directory.Exists(Path.Combine(_mirror, "toolchains", "dist", "2026-04-16")));
        foreach (var name in new[] { "1.95", "1.95.0" }) Assert.False(File.Exists(Served($"dist/channel-rust-{name}.toml")), name);
        Assert.Equal(File.ReadAllBytes(_dist.Full("dist/channel-rust-1.97.0.toml")), File.ReadAllBytes(Served("dist/channel-rust-stable.toml")));
        Assert.Equal(File.ReadAllBytes(_dist.Full("dist/channel-rust-1.96.0.toml")), File.ReadAllBytes(Served("dist/channel-rust-1.96.toml")));
        Assert.Equal(File.ReadAllBytes(_dist.Full("dist/channel-rust-1.96.0.toml")), File.ReadAllBytes(Served("dist/2026-05-28/channel-rust-stable.toml")));
        Assert.True(File.Exists(Served($"dist/2026-05-28/rustc-1.96.0-{SyntheticDist.Host}.tar.gz")));

        var retired = await RustupAsync("toolchain", "install", "1.95.0", "--profile", "minimal");
        Assert.NotEqual(0, retired.Exit);
        Assert.Contains("1.95.0", retired.Output);
        var kept = await RustupAsync("toolchain", "install", "1.96", "--profile", "minimal");
        Assert.True(kept.Exit == 0, kept.Output);
        Assert.Contains("rustc 1.96.0", (await RustupAsync("run", "1.96", "rustc", "--version")).Output);
    }
}
