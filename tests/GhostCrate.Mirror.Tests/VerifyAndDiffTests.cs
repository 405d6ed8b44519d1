using GhostCrate.Mirror.Checking;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

public sealed class VerifyAndDiffTests : IAsyncLifetime
{
    private UpstreamRegistry _upstream = null!;
    private MirrorHarness _mirror = null!;
    private List<PublishedCrate> _crates = [];

    public async ValueTask InitializeAsync()
    {
        _upstream = await UpstreamRegistry.StartAsync();
        _mirror = new MirrorHarness();
        _crates = [await _upstream.PublishAsync("vone", "1.0.0"), await _upstream.PublishAsync("vtwo", "1.0.0"), await _upstream.PublishAsync("vtwo", "2.0.0")];
        await _upstream.YankAsync("vtwo", "1.0.0");
        _mirror.Init(_upstream.SparseIndexUrl, selection: new SelectionConfig { Crates = ["vone", "vtwo"] });
        var report = await _mirror.SyncAsync();
        Assert.True(report.Complete, string.Join("\n", report.Failures));
    }

    public async ValueTask DisposeAsync()
    {
        await _mirror.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Exit_code_tells_missing_from_corrupt_and_repair_fetches_both_again()
    {
        Assert.Equal(VerifyReport.ExitOk, (await _mirror.VerifyAsync()).ExitCode);

        File.Delete(_mirror.CratePath(_crates[0]));
        var missing = await _mirror.VerifyAsync();
        Assert.Equal(VerifyReport.ExitMissing, missing.ExitCode);
        Assert.Equal("vone", Assert.Single(missing.Missing).Name);

        await _mirror.VerifyAsync(repair: true);
        var bytes = File.ReadAllBytes(_mirror.CratePath(_crates[2]));
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(_mirror.CratePath(_crates[2]), bytes);
        var corrupt = await _mirror.VerifyAsync();
        Assert.Equal(VerifyReport.ExitCorrupt, corrupt.ExitCode);
        Assert.Equal("2.0.0", Assert.Single(corrupt.Corrupt).Version);

        File.Delete(_mirror.CratePath(_crates[0]));
        Assert.Equal(VerifyReport.ExitMissingAndCorrupt, (await _mirror.VerifyAsync()).ExitCode);

        var repaired = await _mirror.VerifyAsync(repair: true);
        Assert.Equal(2, repaired.Repaired);
        Assert.Equal(VerifyReport.ExitOk, repaired.ExitCode);
        Assert.All(_crates, c => Assert.True(_mirror.HasVerified(c), c.Name));
        // The corrupt copy is kept aside for inspection, not silently deleted.
        Assert.Single(Directory.GetFiles(Path.Combine(_mirror.Layout.StateDir, "quarantine")));
    }

    [Fact]
    public async Task Cli_verify_and_diff_report_through_exit_codes_and_lines()
    {
        File.Delete(_mirror.CratePath(_crates[0]));
        var stray = Path.Combine(_mirror.Layout.CratesDir, "vone", "vone-9.9.9.crate");
        File.WriteAllText(stray, "not a crate");

        var verify = await MirrorHarness.CliAsync("mirror", "verify", _mirror.Root);
        Assert.Equal(3, verify.Exit);
        Assert.Contains("missing vone 1.0.0", verify.Out);

        var diff = await MirrorHarness.CliAsync("mirror", "diff", _mirror.Root);
        Assert.Equal(0, diff.Exit);
        var lines = diff.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("missing vone 1.0.0", lines);
        Assert.Contains("yanked vtwo 1.0.0", lines);
        Assert.Contains("extra crates/vone/vone-9.9.9.crate", lines);
        Assert.Contains("1 missing, 1 extra, 1 yanked", lines);
    }
}
