using GhostCrate.Cli;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>`ghostcrate toolchain sync` as docs/toolchains.md runs it: flags, exit codes and what it prints.</summary>
public sealed class ToolchainCommandTests(GpgKey key) : IAsyncLifetime, IClassFixture<GpgKey>
{
    private readonly Gpg _gpg = key.Gpg;
    private readonly string _mirror = TempDir.Create("toolchain-cli");
    private SyntheticDist _dist = null!;
    private StaticDistServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _dist = new SyntheticDist(_gpg);
        _server = await StaticDistServer.StartAsync(_dist.Root);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dist.Dispose();
        TempDir.Delete(_mirror);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error, TextReader.Null);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Sync_mirrors_the_channels_and_says_what_it_did()
    {
        var (exit, output, error) = await RunAsync("toolchain", "sync", _mirror, "--dist-server", _server.BaseAddress.AbsoluteUri,
            "--channels", "stable,1.95.0", "--hosts", SyntheticDist.Host, "--targets", SyntheticDist.Cross, "--profile", "default",
            "--components", "rust-src", "--key", _gpg.PublicKeyFile);
        Assert.True(exit == 0, output + error);
        Assert.Contains("stable: Rust 1.95.0 (2026-04-16): 6 file(s), 6 downloaded", output, StringComparison.Ordinal);
        Assert.Contains("1.95.0: Rust 1.95.0 (2026-04-16): 6 file(s), 0 downloaded", output, StringComparison.Ordinal);
        Assert.Contains("rustup self-update file: version 1.29.0", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_mirror, "current", "toolchains", "dist", "channel-rust-1.95.toml")));
    }

    [Fact]
    public async Task A_second_sync_with_nothing_new_says_so_and_keeps_the_generation()
    {
        string[] sync = ["toolchain", "sync", _mirror, "--dist-server", _server.BaseAddress.AbsoluteUri, "--hosts", SyntheticDist.Host, "--key", _gpg.PublicKeyFile];
        var first = await RunAsync(sync);
        Assert.True(first.Exit == 0, first.Output + first.Error);
        Assert.Contains("Serving the new state of", first.Output, StringComparison.Ordinal);
        var generation = new DirectoryInfo(Path.Combine(_mirror, "current")).ResolveLinkTarget(returnFinalTarget: true)!.FullName;

        var (exit, output, error) = await RunAsync(sync);

        Assert.True(exit == 0, output + error);
        Assert.Contains("stable: Rust 1.95.0 (2026-04-16): 4 file(s), 0 downloaded", output, StringComparison.Ordinal);
        Assert.Contains("Nothing changed; the served state is as it was (generation 1 kept).", output, StringComparison.Ordinal);
        Assert.Equal(generation, new DirectoryInfo(Path.Combine(_mirror, "current")).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
    }

    [Fact]
    public async Task A_refused_channel_exits_1_and_says_why()
    {
        var (exit, _, error) = await RunAsync("toolchain", "sync", _mirror, "--dist-server", _server.BaseAddress.AbsoluteUri,
            "--channels", "stable,beta", "--hosts", SyntheticDist.Host, "--key", _gpg.PublicKeyFile);
        Assert.Equal(1, exit);
        Assert.Contains("refused beta: the dist server has no dist/channel-rust-beta.toml.sha256", error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_mirror, "current", "toolchains", "dist", "channel-rust-stable.toml")));
    }

    [Theory]
    [InlineData("--channels", "stable/../x", "is not a channel")]
    [InlineData("--signatures", "maybe", "require, warn or skip")]
    [InlineData("--dist-server", "ftp://example.com", "not an http(s) URL")]
    public async Task Bad_flags_are_usage_errors(string flag, string value, string message)
    {
        var (exit, _, error) = await RunAsync("toolchain", "sync", _mirror, "--hosts", SyntheticDist.Host, flag, value);
        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_it_fails_closed()
    {
        var (exit, _, error) = await RunAsync("toolchain", "sync", _mirror, "--dist-server", _server.BaseAddress.AbsoluteUri, "--hosts", SyntheticDist.Host);
        Assert.Equal(2, exit);
        Assert.Contains("--key FILE", error, StringComparison.Ordinal);
    }
}
