using System.Security.Cryptography;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Mirror.Tests.Support;
using GhostCrate.Mirror.Toolchains;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// `toolchain sync` against a synthesized dist tree on a static server (127.0.0.1), manifests signed with a key made
/// by gpg in the test; faults come from the real files (re-signed, corrupted) or from <see cref="FaultProxy"/>.
/// </summary>
public sealed class ToolchainSyncTests(GpgKey key) : IAsyncLifetime, IClassFixture<GpgKey>
{
    private readonly Gpg _gpg = key.Gpg;
    private SyntheticDist _dist = null!;
    private StaticDistServer _server = null!;
    private readonly string _mirror = TempDir.Create("toolchains");
    private readonly ServiceProvider _services = new ServiceCollection().AddGhostCrateMirror().BuildServiceProvider();

    public async ValueTask InitializeAsync()
    {
        _dist = new SyntheticDist(_gpg);
        _server = await StaticDistServer.StartAsync(_dist.Root);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _services.DisposeAsync();
        _dist.Dispose();
        TempDir.Delete(_mirror);
    }

    private MirrorLayout Layout => new(_mirror);

    private ToolchainSyncRequest Request(params string[] channels) => new()
    {
        DistServer = _server.BaseAddress,
        Channels = channels.Select(c => DistPaths.TryParseChannel(c, out var n) ? n : throw new ArgumentException(c)).ToList(),
        Selection = new ToolchainSelection { Hosts = [SyntheticDist.Host], CrossTargets = [SyntheticDist.Cross], Profile = "default", Components = ["rust-src"] },
        TrustedKeyFile = _gpg.PublicKeyFile,
        Download = new DownloadConfig { MaxAttempts = 2, InitialBackoffMs = 1, MaxBackoffMs = 5, StallTimeoutSeconds = 5 },
    };

    private Task<ToolchainSyncReport> SyncAsync(ToolchainSyncRequest request) =>
        _services.GetRequiredService<ToolchainSync>().SyncAsync(Layout, request, NoProgress.Instance, TestContext.Current.CancellationToken);

    private string Served(string relative) => Path.Combine(Layout.ServedToolchainsDir, relative);

    [Fact]
    public async Task The_estimate_sizes_every_missing_archive_by_the_dist_server_keeps_nothing_and_is_zero_after_the_sync()
    {
        var estimator = _services.GetRequiredService<Estimates.MirrorEstimator>();
        var selected = _dist.Archives.Keys.Where(k => !k.Contains(SyntheticDist.Unmirrored, StringComparison.Ordinal)).ToList();

        var before = await estimator.EstimateToolchainsAsync(Layout, Request("stable"), TestContext.Current.CancellationToken);

        Assert.Empty(before.Problems);
        Assert.Equal(((long)selected.Count, (long)selected.Count, 0L, 0L), (before.FilesNeeded, before.Exact, before.FilesPresent, before.Unsized));
        Assert.Equal(selected.Sum(a => new FileInfo(_dist.Full(a)).Length), before.EstimatedBytes);
        Assert.Equal(new FileInfo(_dist.Full("dist/channel-rust-stable.toml")).Length * 6, before.IndexBytes);
        Assert.False(Directory.Exists(Layout.ToolchainStoreDir));

        Assert.True((await SyncAsync(Request("stable"))).Complete);
        var after = await estimator.EstimateToolchainsAsync(Layout, Request("stable"), TestContext.Current.CancellationToken);
        Assert.Equal((0L, (long)selected.Count, 0L), (after.FilesNeeded, after.FilesPresent, after.EstimatedBytes));
        Assert.Equal(before.EstimatedBytes, after.BytesPresent);
    }

    [Fact]
    public async Task The_estimate_compares_each_served_channel_with_the_dist_server_and_names_one_that_went_back()
    {
        var estimator = _services.GetRequiredService<Estimates.MirrorEstimator>();
        async Task<Estimates.IndexFreshness> FreshnessAsync() =>
            (await estimator.EstimateToolchainsAsync(Layout, Request("stable", "1.95"), TestContext.Current.CancellationToken)).Freshness!;

        Assert.Equal("nothing served yet: the sync fetches all 2 channel(s)", (await FreshnessAsync()).Describe());
        Assert.True((await SyncAsync(Request("stable", "1.95"))).Complete);
        Assert.Equal("current: none of the 2 served channel(s) changed upstream; a sync would change nothing", (await FreshnessAsync()).Describe());

        _dist.Publish("1.96.0", "2026-05-28");
        var newer = await FreshnessAsync();
        Assert.Equal((1L, 1L, 0L), (newer.Current, newer.Changed, newer.Behind));
        Assert.Equal("1 of 2 served channel(s) changed upstream (stable: Rust 1.95.0 (2026-04-16) -> Rust 1.96.0 (2026-05-28)); the sync brings them", newer.Describe());

        // The mirror has 1.96.0; the dist server goes back to an older stable (a stale mirror upstream).
        Assert.True((await SyncAsync(Request("stable", "1.95"))).Complete);
        _dist.Publish("1.94.0", "2026-03-05");
        var back = await FreshnessAsync();
        Assert.True(back.UpstreamBehind);
        Assert.Contains("stable: Rust 1.96.0 (2026-05-28) served, the dist server has Rust 1.94.0 (2026-03-05)", back.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stable_is_mirrored_with_its_version_and_date_aliases_and_only_the_selected_archives()
    {
        var report = await SyncAsync(Request("stable"));

        Assert.True(report.Complete, string.Join("; ", report.Channels.Select(c => c.Refused)));
        var channel = Assert.Single(report.Channels);
        Assert.Equal(("1.95.0", "2026-04-16", 6, 6), (channel.Version, channel.Date, channel.Files, channel.Downloaded));
        Assert.Equal("1.29.0", report.RustupRelease);
        var manifest = File.ReadAllBytes(_dist.Full("dist/channel-rust-stable.toml"));
        foreach (var name in new[] { "stable", "1.95", "1.95.0" })
        {
            foreach (var path in new[] { $"dist/channel-rust-{name}.toml", $"dist/2026-04-16/channel-rust-{name}.toml" })
            {
                Assert.Equal(manifest, File.ReadAllBytes(Served(path)));
                Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData(manifest)) + "  channel-rust-", File.ReadAllText(Served(path + ".sha256")));
                Assert.Equal(0, _gpg.Verify(Served(path + ".asc"), Served(path)).Exit);
            }
        }
        var expected = _dist.Archives.Keys.Where(k => !k.Contains(SyntheticDist.Unmirrored, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6, expected.Count);
        var servedArchives = Directory.GetFiles(Served("dist/2026-04-16"), "*.tar.gz").Select(f => "dist/2026-04-16/" + Path.GetFileName(f)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, servedArchives);
        foreach (var archive in expected)
        {
            Assert.Equal(_dist.Archives[archive], Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Served(archive)))));
            Assert.StartsWith(_dist.Archives[archive], File.ReadAllText(Served(archive + ".sha256")));
        }
        Assert.Contains("version = \"1.29.0\"", File.ReadAllText(Served("rustup/release-stable.toml")));

        // A second run finds everything present and downloads nothing.
        var again = await SyncAsync(Request("stable"));
        Assert.Equal(0, Assert.Single(again.Channels).Downloaded);
    }

    [Fact]
    public async Task A_run_that_finds_nothing_new_keeps_the_served_generation_and_any_change_makes_a_new_one()
    {
        var first = await SyncAsync(Request("stable", "1.95"));
        Assert.True(first.Complete && first.Switched);
        var generation = Layout.CurrentGenerationDir()!;

        var again = await SyncAsync(Request("stable", "1.95"));

        Assert.True(again.Complete);
        Assert.False(again.Switched);
        Assert.Equal(generation, Layout.CurrentGenerationDir());
        Assert.Equal(new[] { generation }, Directory.GetDirectories(Layout.GenerationsDir));

        // Only rustup's self-update file moved on: metadata counts, so this is a new generation.
        _dist.WriteRustupRelease("1.29.1");
        var rustup = await SyncAsync(Request("stable", "1.95"));
        Assert.True(rustup.Switched);
        Assert.NotEqual(generation, Layout.CurrentGenerationDir());
        Assert.Contains("version = \"1.29.1\"", File.ReadAllText(Served("rustup/release-stable.toml")));

        // A new stable release: a new generation serving it.
        generation = Layout.CurrentGenerationDir()!;
        _dist.Publish("1.96.0", "2026-05-28");
        var newer = await SyncAsync(Request("stable", "1.95"));
        Assert.True(newer.Switched);
        Assert.NotEqual(generation, Layout.CurrentGenerationDir());
        Assert.Equal("1.96.0", newer.Channels[0].Version);
        Assert.False((await SyncAsync(Request("stable", "1.95"))).Switched);
    }

    [Theory]
    [InlineData("1.95.0")]
    [InlineData("1.95")]
    public async Task An_explicit_version_gets_both_version_aliases_but_not_stable(string version)
    {
        var report = await SyncAsync(Request(version));
        Assert.True(report.Complete);
        Assert.True(File.Exists(Served("dist/channel-rust-1.95.0.toml")));
        Assert.True(File.Exists(Served("dist/channel-rust-1.95.toml")));
        Assert.True(File.Exists(Served("dist/2026-04-16/channel-rust-1.95.toml")));
        Assert.False(File.Exists(Served("dist/channel-rust-stable.toml")));
    }

    [Fact]
    public async Task Without_a_trusted_key_the_sync_fails_closed()
    {
        var ex = await Assert.ThrowsAsync<MirrorException>(() => SyncAsync(Request("stable") with { TrustedKeyFile = null }));
        Assert.Contains("--key", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Layout.ToolchainStoreDir));
    }

    [Fact]
    public async Task A_manifest_signed_by_another_key_is_refused_and_the_previous_release_keeps_serving()
    {
        Assert.True((await SyncAsync(Request("stable"))).Complete);
        var before = File.ReadAllBytes(Served("dist/channel-rust-stable.toml"));

        using var stranger = new Gpg();
        _dist.Publish("1.96.0", "2026-05-28");
        _dist.WriteManifest("dist/channel-rust-stable.toml", signer: stranger);

        var report = await SyncAsync(Request("stable"));
        var refused = Assert.Single(report.Channels);
        Assert.False(refused.Mirrored);
        Assert.Contains("not a trusted key", refused.Refused, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Served("dist/channel-rust-stable.toml")));
        Assert.False(Directory.Exists(Path.Combine(Layout.ToolchainStoreDir, "dist", "2026-05-28")), "nothing of the refused release was downloaded");

        // Told to only warn, the same manifest is mirrored, without a signature file to serve.
        var warned = await SyncAsync(Request("stable") with { Signatures = SignaturePolicy.Warn });
        Assert.True(warned.Complete);
        Assert.Contains(Assert.Single(warned.Channels).Warnings, w => w.Contains("not a trusted key", StringComparison.Ordinal));
        Assert.Equal("1.96.0", warned.Channels[0].Version);
        Assert.False(File.Exists(Served("dist/channel-rust-stable.toml.asc")));
    }

    [Fact]
    public async Task A_manifest_that_does_not_match_its_signature_is_refused()
    {
        var path = _dist.Full("dist/channel-rust-stable.toml");
        var signature = File.ReadAllBytes(path + ".asc");
        _dist.WriteManifest("dist/channel-rust-stable.toml", _dist.ManifestText + "# altered after signing\n");
        File.WriteAllBytes(path + ".asc", signature);

        var report = await SyncAsync(Request("stable"));
        Assert.Contains("does not match", Assert.Single(report.Channels).Refused, StringComparison.Ordinal);
        Assert.False(File.Exists(Served("dist/channel-rust-stable.toml")));
    }

    [Fact]
    public async Task An_archive_whose_bytes_differ_from_the_manifest_hash_is_refused_with_its_channel()
    {
        Assert.True((await SyncAsync(Request("stable"))).Complete);
        var before = File.ReadAllBytes(Served("dist/channel-rust-stable.toml"));
        _dist.Publish("1.96.0", "2026-05-28");
        var rustc = $"dist/2026-05-28/rustc-1.96.0-{SyntheticDist.Host}.tar.gz";
        var bytes = File.ReadAllBytes(_dist.Full(rustc));
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(_dist.Full(rustc), bytes); // its .sha256 still matches the manifest: only the body is wrong

        var report = await SyncAsync(Request("stable"));
        var refused = Assert.Single(report.Channels).Refused;
        Assert.Contains("checksum mismatch", refused, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Served("dist/channel-rust-stable.toml")));
        Assert.False(File.Exists(Path.Combine(Layout.ToolchainStoreDir, rustc)), "the bad archive is not kept");
        Assert.False(File.Exists(Served("dist/channel-rust-1.96.0.toml")));
    }

    [Fact]
    public async Task An_archive_whose_sha256_file_disagrees_with_the_manifest_is_refused()
    {
        var rustSrc = "dist/2026-04-16/rust-src-1.95.0.tar.gz";
        File.WriteAllText(_dist.Full(rustSrc + ".sha256"), new string('a', 64) + "  rust-src-1.95.0.tar.gz\n");
        var report = await SyncAsync(Request("stable"));
        Assert.Contains("the dist server's .sha256 says", Assert.Single(report.Channels).Refused, StringComparison.Ordinal);
        Assert.False(File.Exists(Served("dist/channel-rust-stable.toml")));
    }

    [Fact]
    public async Task A_truncated_download_is_retried_and_one_that_never_completes_refuses_the_channel()
    {
        await using var proxy = await FaultProxy.StartAsync(_server.BaseAddress);
        var cargo = $"/dist/2026-04-16/cargo-1.95.0-{SyntheticDist.Host}.tar.gz";
        proxy.Plan = (path, attempt) => path == cargo && attempt == 1 ? Fault.Truncate : Fault.None;
        var report = await SyncAsync(Request("stable") with { DistServer = proxy.BaseAddress });
        Assert.True(report.Complete);
        // Retried (with a Range request when some bytes arrived before the reset: the crate downloader's resume).
        Assert.Equal(2, proxy.Count(cargo));
        Assert.Equal(_dist.Archives[cargo.TrimStart('/')], Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Served(cargo.TrimStart('/'))))));

        var fresh = TempDir.Create("toolchains-truncated");
        try
        {
            proxy.Plan = (path, _) => path == cargo ? Fault.Truncate : Fault.None;
            var failed = await _services.GetRequiredService<ToolchainSync>().SyncAsync(new MirrorLayout(fresh),
                Request("stable") with { DistServer = proxy.BaseAddress }, NoProgress.Instance, TestContext.Current.CancellationToken);
            Assert.False(failed.Complete);
            Assert.Contains("cargo-1.95.0", failed.Channels[0].Refused, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(fresh, "current", "toolchains", "dist", "channel-rust-stable.toml")));
            Assert.False(File.Exists(Path.Combine(fresh, "toolchains", cargo.TrimStart('/'))));
        }
        finally
        {
            TempDir.Delete(fresh);
        }
    }

    [Fact]
    public async Task A_dated_nightly_is_mirrored_under_its_date_only_and_one_whose_manifest_says_another_date_is_refused()
    {
        _dist.WriteManifest("dist/2026-04-16/channel-rust-nightly.toml");
        _dist.WriteManifest("dist/2026-04-17/channel-rust-nightly.toml"); // the same manifest: it says 2026-04-16

        var report = await SyncAsync(Request("nightly-2026-04-16", "nightly-2026-04-17"));

        Assert.True(report.Channels[0].Mirrored, report.Channels[0].Refused);
        Assert.Equal("2026-04-16", report.Channels[0].Date);
        Assert.Equal(File.ReadAllBytes(_dist.Full("dist/2026-04-16/channel-rust-nightly.toml")), File.ReadAllBytes(Served("dist/2026-04-16/channel-rust-nightly.toml")));
        Assert.Equal(0, _gpg.Verify(Served("dist/2026-04-16/channel-rust-nightly.toml.asc"), Served("dist/2026-04-16/channel-rust-nightly.toml")).Exit);
        Assert.False(File.Exists(Served("dist/channel-rust-nightly.toml")), "a dated release does not move the undated nightly");
        Assert.Contains("says it is the release of 2026-04-16", report.Channels[1].Refused, StringComparison.Ordinal);
        Assert.False(File.Exists(Served("dist/2026-04-17/channel-rust-nightly.toml")));
    }

    [Fact]
    public async Task An_unpublished_channel_is_refused_with_a_clear_message()
    {
        var report = await SyncAsync(Request("beta"));
        Assert.Contains("no dist/channel-rust-beta.toml.sha256", Assert.Single(report.Channels).Refused, StringComparison.Ordinal);
    }
}
