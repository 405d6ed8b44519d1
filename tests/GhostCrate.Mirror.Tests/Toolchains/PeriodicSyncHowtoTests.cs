using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// docs/periodic-delta-sync.md, "Toolchains on the same timer", run as written: the service's ExecStart= and
/// ExecStartPost= lines are read from the document and run in order against a mirror of a real GhostCrate upstream and
/// the synthesized, signed dist tree (127.0.0.1). Only the paths change (the binary, /srv/mirror, the key file), and
/// `--dist-server` is added because the document's default, static.rust-lang.org, is not reachable here. Run again
/// after a new stable release, the same lines serve it beside the old one.
/// </summary>
public sealed class PeriodicSyncHowtoTests(GpgKey key) : ProxiedUpstreamTest, IClassFixture<GpgKey>
{
    private const string Section = "## Toolchains on the same timer";

    [Fact]
    public async Task The_documented_service_lines_sync_crates_and_toolchains_then_pick_up_a_new_release()
    {
        var crate = await Upstream.PublishAsync("howto-timer", "1.0.0");
        Harness.Init(Upstream.SparseIndexUrl, selection: new SelectionConfig { Crates = [crate.Name] });
        using var dist = new SyntheticDist(key.Gpg);
        await using var distServer = await StaticDistServer.StartAsync(dist.Root);
        var lines = ServiceLines();
        Assert.Equal(3, lines.Count);
        Assert.Contains(lines, l => l[0] == "toolchain");

        await RunAsync(lines, distServer.BaseAddress);

        Assert.True(Harness.HasVerified(crate));
        var served = Path.Combine(Harness.Layout.ServedToolchainsDir, "dist");
        Assert.Contains("version = \"1.95.0", File.ReadAllText(Path.Combine(served, "channel-rust-stable.toml")));
        Assert.True(File.Exists(Path.Combine(served, "2026-04-16", $"rust-std-1.95.0-{SyntheticDist.Cross}.tar.gz")));

        dist.Publish("1.96.0", "2026-05-28");
        await RunAsync(lines, distServer.BaseAddress);

        Assert.Contains("version = \"1.96.0", File.ReadAllText(Path.Combine(served, "channel-rust-stable.toml")));
        Assert.True(File.Exists(Path.Combine(served, "channel-rust-1.95.0.toml")), "--keep-stable 3 keeps 1.95.0 served");
    }

    private async Task RunAsync(IReadOnlyList<string[]> lines, Uri distServer)
    {
        foreach (var line in lines)
        {
            var args = line.Select(a => a switch
            {
                "/srv/mirror" => Harness.Root,
                "/etc/ghostcrate/rust-key.asc" => key.Gpg.PublicKeyFile,
                _ => a,
            }).ToList();
            if (args[0] == "toolchain") args.AddRange(["--dist-server", distServer.AbsoluteUri]);
            var (exit, output, error) = await MirrorHarness.CliAsync([.. args]);
            Assert.True(exit == 0, $"ghostcrate {string.Join(' ', line)}: exit {exit}\n{output}\n{error}");
        }
    }

    /// <summary>The section's ExecStart=/ExecStartPost= commands, without the binary's path.</summary>
    private static IReadOnlyList<string[]> ServiceLines()
    {
        var text = File.ReadAllText(Path.Combine(ServiceScript.RepositoryRoot, "docs", "periodic-delta-sync.md"));
        var start = text.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/periodic-delta-sync.md has no `{Section}`");
        var section = text[start..];
        var end = section.IndexOf("\n## ", Section.Length, StringComparison.Ordinal);
        if (end > 0) section = section[..end];
        return section.Split('\n')
            .Where(l => l.StartsWith("ExecStart=", StringComparison.Ordinal) || l.StartsWith("ExecStartPost=", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf('=') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(words =>
            {
                Assert.Equal("/usr/local/bin/ghostcrate", words[0]);
                return words[1..];
            })
            .ToList();
    }
}
