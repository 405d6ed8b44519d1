using System.Net;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Advisories for the offline mirror with the real cargo and the real RustSec database (issue 20): a GhostCrate plays
/// crates.io with crates named and versioned like a real advisory, `ghostcrate mirror sync` mirrors them, a second
/// GhostCrate serves the mirror with the blocking policy on. After `advisories sync`, exactly the affected mirrored
/// version is flagged, cargo fails to build it with the advisory id, and the patched version builds.
/// </summary>
public sealed class MirrorAdvisoryTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    private static Dictionary<string, string> Lib(string body) => new() { ["src/lib.rs"] = $"pub fn v() -> u32 {{ {body} }}\n" };

    [Fact]
    public async Task The_mirrors_affected_version_is_flagged_exactly_and_cargo_cannot_build_it()
    {
        // RUSTSEC-2021-0003 (critical): smallvec 1.6.0 is affected, 1.6.1 is patched (and no other advisory affects it).
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync("smallvec", "1.6.0", files: Lib("160")), verify: false);
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync("smallvec", "1.6.1", files: Lib("161")), verify: false);

        var work = TempDirs.Create("mirror-advisories");
        var mirrorDir = Path.Combine(work, "mirror");
        try
        {
            await CliAsync(Server, "mirror", "init", mirrorDir, "--upstream", Server.CargoIndexUrl, "--crates", "smallvec");
            await CliAsync(Server, "mirror", "sync", mirrorDir, "--plain");
            await using var mirror = await GhostCrateServer.StartAsync(new ServerOptions
            {
                Settings = new Dictionary<string, string> { ["GHOSTCRATE_Mirror__Directory"] = mirrorDir, ["GHOSTCRATE_Policy__BlockSeverity"] = "High" },
            }, Cancel);
            var sync = await CliAsync(mirror, "advisories", "sync", "--from", RustSecDatabase.Location(), "--data-dir", mirror.DataDir);
            Assert.Contains("affected versions in this registry", sync.StdOut);

            var found = JsonDocument.Parse(await mirror.Http.Raw.GetStringAsync("api/v1/advisories?crate=smallvec", Cancel)).RootElement;
            var affected = found.GetProperty("affected").EnumerateArray()
                .Select(a => $"{a.GetProperty("version").GetString()} {a.GetProperty("source").GetString()} {a.GetProperty("advisory_id").GetString()}").ToList();
            Assert.Equal(["1.6.0 mirror RUSTSEC-2021-0003"], affected);

            await DownloadStatus.WaitAsync(mirror.Http.Raw, "mirror/crates/smallvec/1.6.0/download", HttpStatusCode.Forbidden, Cancel);
            var consumer = NewSandbox(token: null);
            await File.WriteAllTextAsync(Path.Combine(consumer.CargoHome, "config.toml"), $"""
                [source.crates-io]
                replace-with = "offline-mirror"

                [source.offline-mirror]
                registry = "sparse+{mirror.BaseUrl}mirror/index/"
                """, Cancel);
            var blockedProject = await consumer.NewLibAsync($"mirror-blocked-{Ids.New()}", dependencies: "smallvec = \"=1.6.0\"", files: Lib("smallvec::v()"));
            var blocked = await consumer.RunAsync(blockedProject.Directory, ["build"], timeout: TimeSpan.FromMinutes(3));
            Assert.False(blocked.Succeeded, blocked.Describe());
            Assert.Contains("RUSTSEC-2021-0003", blocked.StdErr, StringComparison.Ordinal);
            var patched = await consumer.NewLibAsync($"mirror-patched-{Ids.New()}", dependencies: "smallvec = \"=1.6.1\"", files: Lib("smallvec::v()"));
            await consumer.RunOkAsync(patched.Directory, ["build"], timeout: TimeSpan.FromMinutes(3));
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    private async Task<ProcessResult> CliAsync(GhostCrateServer server, params string[] args)
    {
        var result = await server.RunCliAsync(args, cancellationToken: Cancel);
        Assert.True(result.Succeeded, $"`ghostcrate {string.Join(' ', args)}` failed:\n{result.Describe()}");
        return result;
    }
}
