using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The image built by deploy/container/build.sh (GHOSTCRATE_TEST_IMAGE names it; scripts/test.sh --lane container
/// builds it): its server starts as the non-root user with its data in the /data volume, the real cargo on this
/// machine publishes to it and builds from it on 127.0.0.1, and its HEALTHCHECK, labels and start-up checks hold.
/// `buildah run --isolation chroot` shares this machine's loopback, so the server binds 127.0.0.1 only.
/// </summary>
public sealed class ContainerImageTests
{
    public const string ImageVariable = "GHOSTCRATE_TEST_IMAGE";
    private const string ServerData = "/var/lib/ghostcrate-test";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_image_serves_cargo_as_a_non_root_user_and_keeps_its_data_in_the_volume()
    {
        var image = Environment.GetEnvironmentVariable(ImageVariable);
        if (string.IsNullOrWhiteSpace(image)) Assert.Skip($"{ImageVariable} is not set (bash scripts/test.sh --lane container builds the image and sets it)");

        var config = JsonDocument.Parse((await BuildahOkAsync(["inspect", "--type", "image", image])).StdOut).RootElement.GetProperty("Docker").GetProperty("config");
        Assert.Equal("10001:10001", config.GetProperty("User").GetString());
        Assert.Contains("/data", config.GetProperty("Volumes").EnumerateObject().Select(p => p.Name));
        var commit = (await ProcessRunner.RunAsync("git", ["rev-parse", "HEAD"], RepositoryRoot.Path, cancellationToken: Cancel)).StdOut.Trim();
        Assert.Equal(commit, config.GetProperty("Labels").GetProperty("org.opencontainers.image.revision").GetString());
        var healthcheck = config.GetProperty("Healthcheck").GetProperty("Test").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal("CMD", healthcheck[0]);

        var container = (await BuildahOkAsync(["from", "--quiet", image])).StdOut.Trim();
        var data = TempDirs.Create("image-data");
        Process? server = null;
        var log = new StringBuilder();
        try
        {
            // As shipped (0.0.0.0:8000, no public URL) the server refuses to start, naming what to set.
            var refused = await BuildahAsync(["run", "--isolation", "chroot", container, "--", "/opt/ghostcrate/ghostcrate", "serve"]);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("Registry:PublicUrl", refused.StdErr);

            var port = GhostCrateServer.FreePort();
            var token = "gce2e" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
            // The image's user may write its volume.
            var probe = await BuildahAsync(["run", "--isolation", "chroot", container, "--", "bash", "-c", "id -u && touch /data/probe"]);
            Assert.True(probe.Succeeded, probe.Describe());
            Assert.Equal("10001", probe.StdOut.Trim());

            // The server's data goes to a folder of this machine owned by the image's user, so what it writes shows
            // who it runs as. (`buildah run` puts a fresh volume of its own at /data, whatever --volume says; docker
            // and podman mount -v there as usual.)
            var chown = await ProcessRunner.RunAsync("chown", ["10001:10001", data], data, cancellationToken: Cancel);
            Assert.True(chown.Succeeded, chown.Describe());
            var psi = new ProcessStartInfo("buildah") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[]
            {
                "run", "--isolation", "chroot", "--volume", $"{data}:{ServerData}:rw", "--env", $"GHOSTCRATE_DataDir={ServerData}",
                "--env", $"GHOSTCRATE_Urls=http://127.0.0.1:{port}", "--env", $"GHOSTCRATE_Registry__PublicUrl=http://127.0.0.1:{port}",
                "--env", $"GHOSTCRATE_ADMIN_TOKEN={token}", container, "--", "/opt/ghostcrate/ghostcrate", "serve",
            }) psi.ArgumentList.Add(a);
            server = Process.Start(psi)!;
            server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitForReadyAsync(http, server, log);

            var owner = await ProcessRunner.RunAsync("stat", ["-c", "%u", Path.Combine(data, "ghostcrate.db")], data, cancellationToken: Cancel);
            Assert.Equal("10001", owner.StdOut.Trim());

            // The image's HEALTHCHECK command, run inside the image against this port.
            var health = await BuildahAsync(["run", "--isolation", "chroot", "--env", $"GHOSTCRATE_HEALTH_PORT={port}", container, "--", .. healthcheck.Skip(1)]);
            Assert.True(health.Succeeded, health.Describe());

            using var cargo = new CargoSandbox($"sparse+http://127.0.0.1:{port}/index/", token);
            await cargo.PublishAndBuildDependentAsync("image");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(data, "blobs"), "*", SearchOption.AllDirectories));
        }
        finally
        {
            if (server is not null)
            {
                ProcessRunner.KillTree(server);
                await server.WaitForExitAsync(CancellationToken.None);
            }
            await BuildahAsync(["rm", container]);
            TempDirs.Delete(data);
        }
    }

    private static async Task WaitForReadyAsync(HttpClient http, Process server, StringBuilder log)
    {
        if (await ReadinessPoll.WaitAsync(http, "ready", () => server.HasExited, GhostCrateServer.StartTimeout, Cancel)) return;
        Assert.False(server.HasExited, $"the server in the image exited with {(server.HasExited ? server.ExitCode : 0)}:\n{log}");
        Assert.Fail($"the server in the image did not become ready within {GhostCrateServer.StartTimeout}:\n{log}");
    }

    private static Task<ProcessResult> BuildahAsync(IReadOnlyList<string> arguments) =>
        ProcessRunner.RunAsync("buildah", arguments, Path.GetTempPath(), cancellationToken: Cancel);

    private static async Task<ProcessResult> BuildahOkAsync(IReadOnlyList<string> arguments)
    {
        var result = await BuildahAsync(arguments);
        Assert.True(result.Succeeded, result.Describe());
        return result;
    }
}
