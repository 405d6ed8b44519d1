using System.Net;
using System.Security.Cryptography;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// rustup's own files through the mirror: `toolchain sync` takes `rustup/release-stable.toml` and the `rustup-init` of
/// that version for the synced hosts (checked against the dist server's `.sha256`), GhostCrate serves them under
/// `/rustup/rustup/`, and the real rustup 1.29 runs `rustup self update` with RUSTUP_UPDATE_ROOT pointing there, in a
/// temporary CARGO_HOME (the machine's installed rustup is never touched). The "new" rustup-init is the machine's own
/// rustup binary published as 1.29.1, so the update is real and the result still runs.
/// </summary>
public sealed class RustupSelfUpdateTests(GpgKey key) : IAsyncLifetime, IClassFixture<GpgKey>
{
    private readonly Gpg _gpg = key.Gpg;
    private readonly string _mirror = TempDir.Create("self-update-mirror");
    private readonly RustupHome _rustup = new();
    private SyntheticDist _dist = null!;
    private byte[] _binary = [];

    public ValueTask InitializeAsync()
    {
        _dist = new SyntheticDist(_gpg);
        _binary = File.ReadAllBytes(RustupHome.FindOnPath("rustup"));
        _dist.WriteRustupRelease("1.29.1");
        _dist.WriteRustupInit("1.29.1", SyntheticDist.Host, _binary);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _dist.Dispose();
        _rustup.Dispose();
        TempDir.Delete(_mirror);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Rustup_init_is_mirrored_checked_and_served_and_rustup_self_update_uses_it()
    {
        await using (var upstream = await StaticDistServer.StartAsync(_dist.Root))
        {
            var sync = await MirrorHarness.CliAsync("toolchain", "sync", _mirror, "--hosts", SyntheticDist.Host, "--dist-server", upstream.BaseAddress.AbsoluteUri, "--key", _gpg.PublicKeyFile);
            Assert.True(sync.Exit == 0, sync.Out + sync.Err);
            Assert.Contains($"rustup-init 1.29.1 for {SyntheticDist.Host}", sync.Out);
        }

        await using var server = await MirrorServer.StartAsync(_mirror);
        using var http = server.Client();
        var hash = Convert.ToHexStringLower(SHA256.HashData(_binary));
        foreach (var path in new[] { $"rustup/rustup/dist/{SyntheticDist.Host}/rustup-init", $"rustup/rustup/archive/1.29.1/{SyntheticDist.Host}/rustup-init" })
        {
            Assert.Equal(_binary, await http.GetByteArrayAsync(path));
            Assert.StartsWith(hash, await http.GetStringAsync(path + ".sha256"));
        }
        Assert.Contains("version = \"1.29.1\"", await http.GetStringAsync("rustup/rustup/release-stable.toml"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("rustup/rustup/dist/aarch64-unknown-linux-gnu/rustup-init")).StatusCode);

        // The installed copy differs from the served binary by one trailing byte (an ELF file runs the same with it).
        var installed = Path.Combine(_rustup.Root, "cargo", "bin", "rustup");
        await using (var stream = new FileStream(installed, FileMode.Append)) stream.WriteByte(0);
        Assert.NotEqual(hash, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(installed))));
        var update = await _rustup.RunAsync(server.BaseAddress, "self", "update");
        Assert.True(update.Exit == 0, update.Output);
        Assert.Contains("1.29.1", update.Output);
        Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(installed))));
    }

    [Fact]
    public async Task A_rustup_init_that_does_not_match_its_sha256_is_not_served()
    {
        File.WriteAllBytes(_dist.Full($"rustup/archive/1.29.1/{SyntheticDist.Host}/rustup-init"), [.. _binary.Take(1000)]);
        await using var upstream = await StaticDistServer.StartAsync(_dist.Root);
        var sync = await MirrorHarness.CliAsync("toolchain", "sync", _mirror, "--hosts", SyntheticDist.Host, "--dist-server", upstream.BaseAddress.AbsoluteUri, "--key", _gpg.PublicKeyFile);
        Assert.True(sync.Exit == 0, sync.Out + sync.Err);
        Assert.Contains($"rustup-init 1.29.1 for {SyntheticDist.Host}: failed", sync.Out + sync.Err);
        Assert.False(Directory.Exists(Path.Combine(_mirror, "current", "toolchains", "rustup", "archive")));
        Assert.False(Directory.Exists(Path.Combine(_mirror, "current", "toolchains", "rustup", "dist")));
    }
}
