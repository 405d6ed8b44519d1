using Amazon.S3.Model;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// `backup create --include-mirror` (issue 19) with the real mirror and the real cargo: a mirror made by `mirror sync`
/// from the test server goes into a backup (a directory on the sqlite lane, an S3 prefix on postgres-s3), `backup
/// restore` refuses it without a place for the mirror and changes nothing, restores it with `--mirror-dir`, `mirror
/// verify` finds the restored mirror whole, and a server serving it lets a fresh cargo build with crates-io replaced.
/// </summary>
public sealed class BackupMirrorTests(BackupServerFixture fixture) : EndToEndTest(fixture), IClassFixture<BackupServerFixture>
{
    [Fact]
    public async Task A_backup_with_the_mirror_restores_a_mirror_that_verifies_and_that_cargo_builds_from()
    {
        var id = Ids.New();
        var a = await Cargo.NewLibAsync($"bkm-a-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn a() -> u32 { 42 }\n" });
        await Cargo.PublishOkAsync(a, verify: false);
        var work = TempDirs.Create("backup-mirror");
        string? bucket = null;
        try
        {
            var mirror = Path.Combine(work, "mirror");
            await CliOkAsync(["mirror", "init", mirror, "--upstream", Server.CargoIndexUrl, "--crates", a.Name]);
            await CliOkAsync(["mirror", "sync", mirror, "--plain"]);

            // The postgres-s3 lane keeps the backup in S3 (reached with that lane's Storage:S3 settings), the sqlite lane
            // in a directory.
            string target;
            if (Server.Lane.Kind == BackendKind.Sqlite)
            {
                target = Path.Combine(work, "backups");
            }
            else
            {
                var s3Url = Environment.GetEnvironmentVariable(Lane.S3Variable) ?? throw new InvalidOperationException($"{Lane.S3Variable} is not set on the postgres-s3 lane");
                bucket = $"gc-e2e-mirror-backups-{id}";
                using var s3 = S3.CreateClient(s3Url);
                await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, Cancel);
                target = $"s3://{bucket}/nightly";
            }

            var created = await Server.RunCliAsync(["backup", "create", "--to", target, "--include-mirror", "--data-dir", Server.DataDir], cancellationToken: Cancel,
                settings: new Dictionary<string, string> { ["GHOSTCRATE_Mirror__Directory"] = mirror });
            Assert.True(created.Succeeded && created.StdOut.Contains("The offline mirror: ", StringComparison.Ordinal), created.Describe());
            var backup = created.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            var verify = await Server.RunCliAsync(["backup", "verify", backup, "--deep"], cancellationToken: Cancel);
            Assert.True(verify.Succeeded, verify.Describe());

            var restoredMirror = Path.Combine(work, "restored-mirror");
            await using (var restored = await GhostCrateServer.StartAsync(new ServerOptions
            {
                BeforeStart = async server =>
                {
                    var refused = await server.RunCliAsync(["backup", "restore", backup, "--data-dir", server.DataDir], cancellationToken: Cancel);
                    Assert.True(refused.ExitCode == 1 && refused.StdErr.Contains("--mirror-dir", StringComparison.Ordinal), refused.Describe());
                    Assert.False(Directory.Exists(restoredMirror));
                    var restore = await server.RunCliAsync(["backup", "restore", backup, "--data-dir", server.DataDir, "--mirror-dir", restoredMirror], cancellationToken: Cancel);
                    Assert.True(restore.Succeeded && restore.StdOut.Contains($"Restored the offline mirror into {restoredMirror}", StringComparison.Ordinal), restore.Describe());
                },
            }, Cancel))
            {
                var served = await restored.Http.GetAsync($"api/v1/crates/{a.Name}", cancellationToken: Cancel);
                Assert.True(served.Code == 200, served.Describe());
            }

            var verified = await Server.RunCliAsync(["mirror", "verify", restoredMirror], cancellationToken: Cancel);
            Assert.True(verified.Succeeded, verified.Describe());
            await using var mirrorServer = await GhostCrateServer.StartAsync(new ServerOptions
            {
                Settings = new Dictionary<string, string> { ["GHOSTCRATE_Mirror__Directory"] = restoredMirror },
            }, Cancel);
            var consumer = NewSandbox(token: null);
            await File.WriteAllTextAsync(Path.Combine(consumer.CargoHome, "config.toml"), $"""
                [source.crates-io]
                replace-with = "restored-mirror"

                [source.restored-mirror]
                registry = "sparse+{mirrorServer.BaseUrl}mirror/index/"
                """, Cancel);
            var app = await consumer.NewLibAsync($"bkm-app-{id}", dependencies: $"{a.Name} = \"0.1\"",
                files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn answer() -> u32 {{ {a.RustName}::a() }}\n" });
            await consumer.RunOkAsync(app.Directory, ["build"]);
            Assert.Equal("0.1.0", CargoSandbox.LockedVersion(app, a.Name));
        }
        finally
        {
            TempDirs.Delete(work);
            if (bucket is not null) await S3.TryDeleteBucketAsync(Environment.GetEnvironmentVariable(Lane.S3Variable)!, bucket);
        }
    }

    /// <summary>
    /// Backup:IncludeMirror (issue 19): a node serving a synced mirror takes a "back up now" backup through its own job
    /// worker; the manifest holds the mirror, `backup restore --mirror-dir` brings it back, and `mirror verify` finds the
    /// restored mirror whole. The target is a directory on both lanes (the S3 target of a mirror backup: the test above).
    /// </summary>
    [Fact]
    public async Task With_Backup_IncludeMirror_back_up_now_holds_the_mirror_and_restore_puts_it_into_the_mirror_dir()
    {
        var id = Ids.New();
        var a = await Cargo.NewLibAsync($"bkn-a-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn a() -> u32 { 7 }\n" });
        await Cargo.PublishOkAsync(a, verify: false);
        var work = TempDirs.Create("backup-now-mirror");
        try
        {
            var mirror = Path.Combine(work, "mirror");
            await CliOkAsync(["mirror", "init", mirror, "--upstream", Server.CargoIndexUrl, "--crates", a.Name]);
            await CliOkAsync(["mirror", "sync", mirror, "--plain"]);
            var target = Path.Combine(work, "backups");

            string backup;
            await using (var node = await GhostCrateServer.StartAsync(new ServerOptions
            {
                Settings = new Dictionary<string, string>
                {
                    ["GHOSTCRATE_Mirror__Directory"] = mirror,
                    ["GHOSTCRATE_Backup__Target"] = target,
                    ["GHOSTCRATE_Backup__IncludeMirror"] = "true",
                },
            }, Cancel))
            {
                var queued = await node.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/backups"), node.AdminToken, Cancel);
                Assert.True(queued.Code == 202, queued.Describe());
                var jobId = System.Text.Json.Nodes.JsonNode.Parse(queued.Body)!["job_id"]!.GetValue<long>();
                // The node's own worker runs it: polled with a deadline.
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
                while (true)
                {
                    var job = await node.Http.GetAsync($"/api/v1/admin/jobs/{jobId}", node.AdminToken, cancellationToken: Cancel);
                    Assert.True(job.Code == 200, job.Describe());
                    var state = System.Text.Json.Nodes.JsonNode.Parse(job.Body)!["state"]!.GetValue<string>();
                    if (state == "succeeded") break;
                    Assert.True(state is "pending" or "running" && DateTime.UtcNow < deadline, job.Describe());
                    await Task.Delay(TimeSpan.FromMilliseconds(250), Cancel);
                }
                backup = Assert.Single(Directory.GetDirectories(target));
            }
            var manifest = await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json"), Cancel);
            Assert.Contains("\"mirror\"", manifest, StringComparison.Ordinal);
            Assert.Contains($"crates/{a.Name}", manifest, StringComparison.Ordinal);
            var verify = await Server.RunCliAsync(["backup", "verify", backup, "--deep"], cancellationToken: Cancel);
            Assert.True(verify.Succeeded, verify.Describe());

            var restoredMirror = Path.Combine(work, "restored-mirror");
            await using (var restored = await GhostCrateServer.StartAsync(new ServerOptions
            {
                BeforeStart = async server =>
                {
                    var restore = await server.RunCliAsync(["backup", "restore", backup, "--data-dir", server.DataDir, "--mirror-dir", restoredMirror], cancellationToken: Cancel);
                    Assert.True(restore.Succeeded && restore.StdOut.Contains($"Restored the offline mirror into {restoredMirror}", StringComparison.Ordinal), restore.Describe());
                },
            }, Cancel))
            {
                var answer = await restored.Http.GetAsync("/api/v1/crates?q=bkn", cancellationToken: Cancel);
                Assert.True(answer.Code == 200, answer.Describe());
            }
            var verified = await Server.RunCliAsync(["mirror", "verify", restoredMirror], cancellationToken: Cancel);
            Assert.True(verified.Succeeded, verified.Describe());
            Assert.True(File.Exists(Path.Combine(restoredMirror, "crates", a.Name, $"{a.Name}-0.1.0.crate")));
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    private async Task CliOkAsync(string[] args)
    {
        var result = await Server.RunCliAsync(args, cancellationToken: Cancel);
        Assert.True(result.Succeeded, $"`ghostcrate {string.Join(' ', args)}` failed:\n{result.Describe()}");
    }
}
