using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Tests.Support;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// `ghostcrate toolchain sync --channels beta,nightly` without a date: the dist server's current beta and nightly (a
/// synthesized dist tree beside its stable 1.95.0, archives named after the channel as static.rust-lang.org names
/// them) are mirrored under their undated and dated manifest names, with no version aliases (those belong to stable
/// releases), and with the dist server stopped the real rustup 1.29 installs both from GhostCrate's /rustup.
/// </summary>
public sealed class BetaAndNightlyTests(GpgKey key) : IClassFixture<GpgKey>, IDisposable
{
    private const string BetaDate = "2026-04-20";
    private const string NightlyDate = "2026-04-21";

    private readonly Gpg _gpg = key.Gpg;
    private readonly string _mirror = TempDir.Create("beta-nightly");
    private readonly RustupHome _rustup = new();

    [Fact]
    public async Task An_undated_beta_and_nightly_sync_serves_both_and_rustup_installs_them_from_the_mirror()
    {
        using var dist = new SyntheticDist(_gpg);
        dist.Publish("1.96.0-beta.3", BetaDate, channel: "beta");
        var beta = await File.ReadAllBytesAsync(dist.Full("dist/channel-rust-beta.toml"), TestContext.Current.CancellationToken);
        dist.Publish("1.97.0-nightly", NightlyDate, channel: "nightly");
        var nightly = await File.ReadAllBytesAsync(dist.Full("dist/channel-rust-nightly.toml"), TestContext.Current.CancellationToken);

        (int Exit, string Out, string Err) sync;
        await using (var upstream = await StaticDistServer.StartAsync(dist.Root))
        {
            sync = await MirrorHarness.CliAsync("toolchain", "sync", _mirror, "--dist-server", upstream.BaseAddress.AbsoluteUri,
                "--channels", "beta,nightly", "--hosts", SyntheticDist.Host, "--profile", "minimal", "--key", _gpg.PublicKeyFile);
        }

        Assert.True(sync.Exit == 0, sync.Out + sync.Err);
        Assert.Contains($"beta: Rust 1.96.0-beta.3 ({BetaDate}): 3 file(s), 3 downloaded", sync.Out, StringComparison.Ordinal);
        Assert.Contains($"nightly: Rust 1.97.0-nightly ({NightlyDate}): 3 file(s), 3 downloaded", sync.Out, StringComparison.Ordinal);
        var served = new MirrorLayout(_mirror).ServedToolchainsDir;
        string Served(string relative) => Path.Combine(served, relative);
        // The upstream bytes under the undated name and in the release's date folder, each with its checksum and signature.
        foreach (var (name, date, bytes) in new[] { ("beta", BetaDate, beta), ("nightly", NightlyDate, nightly) })
        {
            foreach (var path in new[] { $"dist/channel-rust-{name}.toml", $"dist/{date}/channel-rust-{name}.toml" })
            {
                Assert.Equal(bytes, await File.ReadAllBytesAsync(Served(path), TestContext.Current.CancellationToken));
                Assert.True(File.Exists(Served(path + ".sha256")), path + ".sha256");
                Assert.Equal(0, _gpg.Verify(Served(path + ".asc"), Served(path)).Exit);
            }
            Assert.True(File.Exists(Served($"dist/{date}/rustc-{name}-{SyntheticDist.Host}.tar.gz")), $"{name}'s rustc archive");
        }
        // A pre-release is not 1.96 or 1.97 (rustup would install it for `1.96`), and stable was not asked for.
        Assert.Empty(Directory.GetFiles(Served("dist"), "channel-rust-1.*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Served("dist/channel-rust-stable.toml")));
        var listed = MirroredToolchains.List(new MirrorLayout(_mirror));
        Assert.Contains(listed, t => t.Channel == "beta" && t.Version == "1.96.0-beta.3" && t.Date == BetaDate);
        Assert.Contains(listed, t => t.Channel == "nightly" && t.Version == "1.97.0-nightly" && t.Date == NightlyDate);

        // The dist server is gone: rustup installs both channels from the mirror alone.
        await using var server = await MirrorServer.StartAsync(_mirror);
        foreach (var (name, version) in new[] { ("beta", $"rustc 1.96.0-beta.3 (5ynth371c {BetaDate})"), ("nightly", $"rustc 1.97.0-nightly (5ynth371c {NightlyDate})") })
        {
            var install = await _rustup.RunAsync(server.BaseAddress, "toolchain", "install", name, "--profile", "minimal");
            Assert.True(install.Exit == 0, install.Output);
            Assert.Contains(version, (await _rustup.RunAsync(server.BaseAddress, "run", name, "rustc", "--version")).Output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_rustup.Toolchain(name), "bin", "cargo")), $"{name}'s cargo");
        }
    }

    public void Dispose()
    {
        TempDir.Delete(_mirror);
        _rustup.Dispose();
    }
}
