using System.Net;
using System.Net.Http.Headers;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Mirror.Tests.Support;
using GhostCrate.Mirror.Toolchains;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// The real rustup (1.29, a temporary RUSTUP_HOME and CARGO_HOME) installs from GhostCrate's /rustup with the upstream
/// stopped: the synthesized release is synced (signature and hashes checked), the static upstream is shut down, and
/// GhostCrate serves the mirror directory in auth-required mode (rustup sends no token).
/// </summary>
public sealed class RustupEndToEndTests(GpgKey key) : IAsyncLifetime, IClassFixture<GpgKey>
{
    private readonly Gpg _gpg = key.Gpg;
    private readonly string _mirror = TempDir.Create("rustup-mirror");
    private readonly RustupHome _rustup = new();
    private SyntheticDist _dist = null!;
    private MirrorServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _dist = new SyntheticDist(_gpg);
        await using (var upstream = await StaticDistServer.StartAsync(_dist.Root))
        await using (var services = new ServiceCollection().AddGhostCrateMirror().BuildServiceProvider())
        {
            var report = await services.GetRequiredService<ToolchainSync>().SyncAsync(new MirrorLayout(_mirror), new ToolchainSyncRequest
            {
                DistServer = upstream.BaseAddress,
                Channels = [new ChannelName("stable", null)],
                Selection = new ToolchainSelection { Hosts = [SyntheticDist.Host], CrossTargets = [SyntheticDist.Cross], Profile = "default", Components = ["rust-src"] },
                TrustedKeyFile = _gpg.PublicKeyFile,
                Download = new DownloadConfig { MaxAttempts = 2, InitialBackoffMs = 1, MaxBackoffMs = 5 },
            }, NoProgress.Instance, CancellationToken.None);
            if (!report.Complete) throw new InvalidOperationException(report.Channels[0].Refused);
        }
        _server = await MirrorServer.StartAsync(_mirror, extra: new Dictionary<string, string?> { ["Registry:AuthRequired"] = "true" });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dist.Dispose();
        TempDir.Delete(_mirror);
        _rustup.Dispose();
    }

    [Fact]
    public async Task Rustup_installs_channels_and_versions_adds_a_target_and_a_component_and_is_told_what_is_not_mirrored()
    {
        var install = await RustupAsync("toolchain", "install", "stable", "--profile", "default");
        Assert.True(install.Exit == 0, install.Output);
        var toolchain = _rustup.Toolchain("stable");
        Assert.Contains("rustc 1.95.0 (5ynth371c 2026-04-16)", (await RustupAsync("run", "stable", "rustc", "--version")).Output);
        Assert.True(File.Exists(Path.Combine(toolchain, "bin", "cargo-clippy")), "the default profile's clippy");

        foreach (var version in new[] { "1.95", "1.95.0" })
        {
            var pinned = await RustupAsync("toolchain", "install", version, "--profile", "minimal");
            Assert.True(pinned.Exit == 0, pinned.Output);
            Assert.Contains("rustc 1.95.0", (await RustupAsync("run", version, "rustc", "--version")).Output);
        }

        var target = await RustupAsync("target", "add", "--toolchain", "stable", SyntheticDist.Cross);
        Assert.True(target.Exit == 0, target.Output);
        Assert.True(File.Exists(Path.Combine(toolchain, "lib", "rustlib", SyntheticDist.Cross, "lib", "libstd-synthetic.rlib")));

        var component = await RustupAsync("component", "add", "--toolchain", "stable", "rust-src");
        Assert.True(component.Exit == 0, component.Output);
        Assert.True(File.Exists(Path.Combine(toolchain, "lib", "rustlib", "src", "rust", "library", "std", "src", "lib.rs")));

        var missing = await RustupAsync("target", "add", "--toolchain", "stable", SyntheticDist.Unmirrored);
        Assert.NotEqual(0, missing.Exit);
        Assert.Contains($"rust-std-1.95.0-{SyntheticDist.Unmirrored}.tar.gz", missing.Output, StringComparison.Ordinal);
        Assert.Contains("404", missing.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(toolchain, "lib", "rustlib", SyntheticDist.Unmirrored)));

        var unknown = await RustupAsync("toolchain", "install", "1.94.0", "--profile", "minimal");
        Assert.NotEqual(0, unknown.Exit);
        Assert.Contains("1.94.0", unknown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_have_etags_ranges_and_plain_404s_without_a_token()
    {
        using var client = _server.Client();
        var manifest = await client.GetAsync("rustup/dist/channel-rust-stable.toml");
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(_dist.Full("dist/channel-rust-stable.toml")), await manifest.Content.ReadAsByteArrayAsync());
        Assert.Equal("public, no-cache", manifest.Headers.CacheControl?.ToString());
        var etag = manifest.Headers.ETag ?? throw new Xunit.Sdk.XunitException("no ETag");

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "rustup/dist/channel-rust-stable.toml");
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);

        var archive = $"dist/2026-04-16/cargo-1.95.0-{SyntheticDist.Host}.tar.gz";
        var full = await File.ReadAllBytesAsync(_dist.Full(archive));
        using var ranged = new HttpRequestMessage(HttpMethod.Get, "rustup/" + archive);
        ranged.Headers.Range = new RangeHeaderValue(10, null);
        var partial = await client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(full[10..], await partial.Content.ReadAsByteArrayAsync());
        Assert.Contains("immutable", partial.Headers.CacheControl?.ToString());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("rustup/rustup/release-stable.toml")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("rustup/dist/channel-rust-1.95.toml.sha256")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("rustup/dist/2026-04-16/channel-rust-1.95.0.toml.asc")).StatusCode);

        foreach (var path in new[]
        {
            "rustup/dist/channel-rust-beta.toml.sha256",
            $"rustup/dist/2026-04-16/rust-std-1.95.0-{SyntheticDist.Unmirrored}.tar.gz",
            "rustup/dist/../current/index/config.json",
            "rustup/elsewhere/file",
        })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        }
        // The crate mirror next to it still asks for a token in this mode.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("mirror/index/config.json")).StatusCode);
    }

    private Task<(int Exit, string Output)> RustupAsync(params string[] args) => _rustup.RunAsync(_server.BaseAddress, args);
}
