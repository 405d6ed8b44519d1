using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Mirror.Tests.Support;
using GhostCrate.Mirror.Toolchains;
using GhostCrate.Protocol.Formatting;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>/toolchains lists what the served generation holds (from a real sync of the synthesized, signed dist tree).</summary>
public sealed class ToolchainsPageTests(GpgKey key) : IAsyncLifetime, IClassFixture<GpgKey>
{
    private readonly Gpg _gpg = key.Gpg;
    private readonly string _mirror = TempDir.Create("toolchains-page");
    private SyntheticDist _dist = null!;

    public ValueTask InitializeAsync()
    {
        _dist = new SyntheticDist(_gpg);
        Directory.CreateDirectory(Path.Combine(_mirror, "index"));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _dist.Dispose();
        TempDir.Delete(_mirror);
        return ValueTask.CompletedTask;
    }

    private async Task SyncAsync(ToolchainSelection selection)
    {
        await using var upstream = await StaticDistServer.StartAsync(_dist.Root);
        await using var services = new ServiceCollection().AddGhostCrateMirror().BuildServiceProvider();
        var report = await services.GetRequiredService<ToolchainSync>().SyncAsync(new MirrorLayout(_mirror), new ToolchainSyncRequest
        {
            DistServer = upstream.BaseAddress,
            Channels = [new ChannelName("stable", null)],
            Selection = selection,
            TrustedKeyFile = _gpg.PublicKeyFile,
            Download = new DownloadConfig { MaxAttempts = 2, InitialBackoffMs = 1, MaxBackoffMs = 5 },
        }, NoProgress.Instance, CancellationToken.None);
        Assert.True(report.Complete, report.Channels[0].Refused);
    }

    [Fact]
    public async Task Lists_each_served_channel_with_version_date_targets_components_size_and_the_rustup_lines()
    {
        await SyncAsync(new ToolchainSelection { Hosts = [SyntheticDist.Host], CrossTargets = [SyntheticDist.Cross], Profile = "minimal" });

        var listed = MirroredToolchains.List(new MirrorLayout(_mirror));

        Assert.Equal(["stable", "1.95", "1.95.0"], listed.Select(t => t.Channel));
        var stable = listed[0];
        Assert.Equal("1.95.0", stable.Version);
        Assert.Equal("2026-04-16", stable.Date);
        Assert.Equal([SyntheticDist.Host], stable.Hosts);
        Assert.Equal([SyntheticDist.Cross, SyntheticDist.Host], stable.Targets);
        Assert.Equal(["cargo", "rust-std", "rustc"], stable.Components);
        // Every archive synced into the release folder is named by the manifest; manifests and .sha256 files are not counted.
        var archives = Directory.GetFiles(Path.Combine(_mirror, "toolchains", "dist", "2026-04-16"))
            .Where(f => !f.EndsWith(".sha256", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("channel-rust-", StringComparison.Ordinal));
        Assert.NotEmpty(archives);
        Assert.Equal(archives.Sum(f => new FileInfo(f).Length), stable.Bytes);

        await using var server = await MirrorServer.StartAsync(_mirror);
        using var client = server.Client();
        var html = await client.GetStringAsync("toolchains");
        var origin = server.BaseAddress.AbsoluteUri.TrimEnd('/');
        Assert.Contains($"export RUSTUP_DIST_SERVER={origin}/rustup\nexport RUSTUP_UPDATE_ROOT={origin}/rustup/rustup", html);
        Assert.Contains("<code>rustup toolchain install 1.95</code>", html);
        Assert.Contains($"<td>{SyntheticDist.Cross}, {SyntheticDist.Host}</td>", html);
        Assert.Contains($"<td>{ByteSize.Format(stable.Bytes)}</td>", html);
    }

    [Fact]
    public async Task A_mirror_without_toolchains_says_how_to_get_them()
    {
        Assert.Empty(MirroredToolchains.List(new MirrorLayout(_mirror)));
        await using var server = await MirrorServer.StartAsync(_mirror);
        using var client = server.Client();

        var html = await client.GetStringAsync("toolchains");

        Assert.Contains("The mirror holds no toolchains yet", html);
    }
}
