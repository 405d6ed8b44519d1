using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Jobs;
using GhostCrate.Storage.FileSystem.Backup;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Backup;

/// <summary>
/// Backup:Schedule (issue 19): the server's job queue takes a backup at each cron occurrence, exactly once when two
/// nodes share one PostgreSQL, records failures in backup_runs and logs them as errors, and applies Backup:KeepLast.
/// The nodes' job workers are off (Jobs:Enabled=false) and the test drives each node's own scheduler and runner with
/// a clock it moves, so no test waits for 03:00.
/// </summary>
public sealed class ScheduledBackupTests : IAsyncDisposable
{
    // 01:00 UTC: the first "0 3 * * *" occurrence is two hours later.
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);
    private readonly string _target = Directory.CreateTempSubdirectory("gc-scheduled-backups-").FullName;

    [Fact]
    public async Task Each_occurrence_makes_one_verified_backup_and_retention_keeps_the_newest()
    {
        var clock = new ManualClock(Start);
        await using var app = await StartNodeAsync(clock, new() { ["Backup:KeepLast"] = "2" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("alpha", "1.0.0").PublishBody())).StatusCode);
        var node = JobNode.Of(app);

        await node.TickAsync();
        Assert.Equal(Start.AddHours(2), await app.Services.GetRequiredService<IJobRepository>().GetNextRunAsync(BackupJobHandler.ScheduleName, CancellationToken.None));
        clock.Advance(TimeSpan.FromHours(1));
        await node.TickAsync();
        await node.RunAllAsync();
        Assert.Empty(await BackupJobsAsync(app));

        for (var day = 1; day <= 3; day++)
        {
            clock.Advance(day == 1 ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1));
            await node.TickAsync();
            await node.RunAllAsync();
            var jobs = await BackupJobsAsync(app);
            Assert.Equal(day, jobs.Count);
            Assert.All(jobs, j => Assert.Equal(JobState.Succeeded, j.State));
        }

        var listings = await BackupCatalog.ListAsync(new DirectoryBackupLocation(_target), CancellationToken.None);
        Assert.Equal(["20261206T030000Z", "20261207T030000Z"], listings.Where(l => l.Complete).Select(l => l.Id).Order(StringComparer.Ordinal));
        // Backups are incremental by default: the pruned first one keeps only the crate file the kept ones reference.
        var pruned = Assert.Single(listings, l => !l.Complete);
        Assert.Equal(("20261205T030000Z", "pruned: keeps 1 file(s) that later backups reference"), (pruned.Id, pruned.Problem));
        var newest = new DirectoryBackupReader(Path.Combine(_target, "20261207T030000Z"));
        var verified = await app.Services.GetRequiredService<BackupVerifier>().VerifyAsync(newest, deep: true, CancellationToken.None);
        Assert.True(verified.Ok, string.Join("; ", verified.Problems));
        Assert.Equal(1, verified.Manifest!.Counts.Versions);

        var runs = await app.Services.GetRequiredService<IBackupRunLog>().ListRecentAsync(10, CancellationToken.None);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.True(r.Succeeded));
        Assert.Equal(Start.AddDays(2).AddHours(2), runs[0].StartedAt);
        Assert.Equal(Start.AddDays(3).AddHours(2), await app.Services.GetRequiredService<IJobRepository>().GetNextRunAsync(BackupJobHandler.ScheduleName, CancellationToken.None));
    }

    [Fact]
    public async Task With_Backup_IncludeProxyCache_a_scheduled_backup_holds_the_proxy_cache()
    {
        var clock = new ManualClock(Start);
        // The proxy's upstream is a closed loopback port: nothing here may reach crates.io (the cache is filled by hand).
        await using var app = await StartNodeAsync(clock, new()
        {
            ["Proxy:Enabled"] = "true",
            ["Proxy:Upstreams:crates-io:IndexUrl"] = "sparse+http://127.0.0.1:9/index/",
            ["Proxy:Upstreams:crates-io:ApiUrl"] = "http://127.0.0.1:9",
            ["Proxy:Upstreams:crates-io:DownloadUrl"] = "http://127.0.0.1:9/{crate}/{version}",
            ["Backup:IncludeProxyCache"] = "true",
        });
        // A crate file the proxy cached earlier (the cache stores a file before it serves it; no row lists it).
        var cached = Core.Storage.BlobKey.ProxyCrateFile("crates-io", "serde", "1.0.0");
        await app.Services.GetRequiredService<Core.Storage.IBlobStore>().PutAsync(cached, new MemoryStream([1, 2, 3]), Core.Storage.BlobPutMode.Overwrite, CancellationToken.None);
        var node = JobNode.Of(app);

        await node.TickAsync();
        clock.Advance(TimeSpan.FromHours(2));
        await node.TickAsync();
        await node.RunAllAsync();

        var listing = Assert.Single(await BackupCatalog.ListAsync(new DirectoryBackupLocation(_target), CancellationToken.None));
        Assert.True(listing.Manifest!.Has(BackupManifest.ProxyCache));
        Assert.Contains(listing.Manifest.Blobs, b => b.Key == cached.Path && b.Size == 3);
        var verified = await app.Services.GetRequiredService<BackupVerifier>().VerifyAsync(new DirectoryBackupReader(Path.Combine(_target, listing.Id)), deep: true, CancellationToken.None);
        Assert.True(verified.Ok, string.Join("; ", verified.Problems));
    }

    [Fact]
    public async Task With_Backup_IncludeMirror_a_scheduled_backup_holds_the_mirror_and_restore_puts_it_into_the_mirror_dir()
    {
        var work = Directory.CreateTempSubdirectory("gc-scheduled-mirror-").FullName;
        try
        {
            // A mirror directory as `mirror sync` leaves one (the served index and a crate file).
            var mirror = Path.Combine(work, "mirror");
            var layout = new global::GhostCrate.Mirror.Storage.MirrorLayout(mirror);
            var indexFile = layout.IndexFile("mirrored");
            Directory.CreateDirectory(Path.GetDirectoryName(indexFile)!);
            await File.WriteAllTextAsync(indexFile, """{"name":"mirrored","vers":"1.0.0","deps":[],"cksum":"aa","features":{},"yanked":false}""" + "\n");
            var crateFile = layout.CrateFile("mirrored", "1.0.0");
            Directory.CreateDirectory(Path.GetDirectoryName(crateFile)!);
            await File.WriteAllBytesAsync(crateFile, CrateFileBuilder.Valid("mirrored", "1.0.0").BuildCrate());
            var files = Directory.EnumerateFiles(mirror, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(mirror, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

            var clock = new ManualClock(Start);
            BackupListing listing;
            await using (var app = await StartNodeAsync(clock, new() { ["Mirror:Directory"] = mirror, ["Backup:IncludeMirror"] = "true" }))
            {
                var node = JobNode.Of(app);
                await node.TickAsync();
                clock.Advance(TimeSpan.FromHours(2));
                await node.TickAsync();
                await node.RunAllAsync();

                listing = Assert.Single(await BackupCatalog.ListAsync(new DirectoryBackupLocation(_target), CancellationToken.None));
                Assert.True(listing.Manifest!.Has(BackupManifest.MirrorPart));
                Assert.Equal(files, listing.Manifest.Mirror!.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
                var verified = await app.Services.GetRequiredService<BackupVerifier>().VerifyAsync(new DirectoryBackupReader(Path.Combine(_target, listing.Id)), deep: true, CancellationToken.None);
                Assert.True(verified.Ok, string.Join("; ", verified.Problems));
            }

            // `backup restore --mirror-dir` puts every file back, byte for byte.
            var restoredMirror = Path.Combine(work, "restored-mirror");
            var output = new StringWriter();
            var error = new StringWriter();
            var exit = await global::GhostCrate.Cli.CliApp.RunAsync(["backup", "restore", Path.Combine(_target, listing.Id), "--data-dir", Path.Combine(work, "restored-data"), "--mirror-dir", restoredMirror], output, error, TextReader.Null);
            Assert.True(exit == 0, $"{output}\n{error}");
            Assert.Contains($"Restored the offline mirror into {restoredMirror}", output.ToString(), StringComparison.Ordinal);
            foreach (var file in files)
                Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(mirror, file)), await File.ReadAllBytesAsync(Path.Combine(restoredMirror, file)));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task A_failed_scheduled_backup_is_recorded_and_logged_as_an_error()
    {
        var clock = new ManualClock(Start);
        var logs = new LogCapture();
        // The target is a file, not a directory: every backup there fails.
        var blocked = Path.Combine(_target, "not-a-directory");
        await File.WriteAllTextAsync(blocked, "x");
        await using var app = await StartNodeAsync(clock, new() { ["Backup:Target"] = blocked }, logs.Register);
        var node = JobNode.Of(app);

        await node.TickAsync();
        clock.Advance(TimeSpan.FromHours(2));
        await node.TickAsync();
        await node.RunAllAsync();

        // An I/O failure may pass (a full disk, an S3 outage): the job waits for a retry with the queue's backoff.
        var job = Assert.Single(await BackupJobsAsync(app));
        Assert.Equal((JobState.Pending, 1), (job.State, job.Attempts));
        Assert.Contains("not-a-directory", job.LastError, StringComparison.Ordinal);

        var run = Assert.Single(await app.Services.GetRequiredService<IBackupRunLog>().ListRecentAsync(10, CancellationToken.None));
        Assert.False(run.Succeeded);
        Assert.Contains("not-a-directory", run.Error, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.StartsWith("Error GhostCrate.Core.Backup.BackupCreator", StringComparison.Ordinal) && l.Contains(blocked, StringComparison.Ordinal));
        var summary = await app.Services.GetRequiredService<IBackupRunLog>().GetSummaryAsync(CancellationToken.None);
        Assert.Equal(1, summary.Failures);
        Assert.Null(summary.LastSuccessAt);
    }

    [Fact]
    public async Task A_scheduled_backup_to_an_unwritable_target_delivers_backup_failed_to_a_webhook_and_a_good_one_backup_succeeded()
    {
        await using var receiver = await Notifications.WebhookReceiver.StartAsync();
        var clock = new ManualClock(Start);
        var blocked = Path.Combine(_target, "not-a-directory");
        await File.WriteAllTextAsync(blocked, "x");
        await using var app = await StartNodeAsync(clock, new()
        {
            ["Backup:Target"] = blocked,
            ["Webhooks:AllowedCidrs:0"] = "127.0.0.1/32",
            ["Webhooks:RetrySchedule:0"] = "00:00:00",
        });
        var create = await app.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/webhooks",
            new Dictionary<string, object?> { ["url"] = receiver.Url.ToString(), ["events"] = new[] { "backup.failed", "backup.succeeded" } });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var node = JobNode.Of(app);

        await node.TickAsync();
        clock.Advance(TimeSpan.FromHours(2));
        await node.TickAsync();
        await node.RunAllAsync();

        // The run row and its event commit together; the outbox job fans out to the endpoint, which delivers it.
        var failed = Assert.Single(await receiver.WaitForAsync(1));
        using (var payload = JsonDocument.Parse(failed.Body))
        {
            Assert.Equal("backup.failed", payload.RootElement.GetProperty("type").GetString());
            var data = payload.RootElement.GetProperty("data");
            Assert.Equal(blocked, data.GetProperty("target").GetString());
            Assert.Contains("not-a-directory", data.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(Start.AddHours(2), data.GetProperty("started_at").GetDateTimeOffset());
        }

        // The same node with a usable target: the next occurrence's backup succeeds and says so.
        File.Delete(blocked);
        clock.Advance(TimeSpan.FromDays(1));
        await node.TickAsync();
        await node.RunAllAsync();
        var received = await receiver.WaitForAsync(2);
        var types = received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()).ToList();
        Assert.Contains("backup.succeeded", types);
        var succeeded = JsonDocument.Parse(received.First(r => r.Body.Contains("backup.succeeded", StringComparison.Ordinal)).Body).RootElement.GetProperty("data");
        Assert.True(succeeded.GetProperty("bytes").GetInt64() > 0);
        Assert.True(File.Exists(Path.Combine(blocked, succeeded.GetProperty("backup_id").GetString()!, BackupManifest.FileName)));
    }

    /// <summary>
    /// Two servers on one PostgreSQL (and one S3 bucket when s3rver runs) with the same schedule: at each occurrence
    /// both race to claim it and both run their job loops, and exactly one backup is made.
    /// </summary>
    [Fact]
    public async Task Two_nodes_on_one_PostgreSQL_make_one_backup_per_occurrence()
    {
        await using var database = await ScratchPostgresDatabase.CreateAsync("gc_sched");
        // The nodes stop at the end of this block, before the database is dropped.
        {
            var shared = new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["Database:ConnectionString"] = database.ConnectionString,
                ["Database:AutoMigrate"] = "true",
                ["Storage:Path"] = Path.Combine(_target, "shared-blobs"),
            };
            var s3 = Environment.GetEnvironmentVariable("GHOSTCRATE_TEST_S3_URL");
            var bucket = $"gc-sched-{Guid.NewGuid():N}"[..40];
            if (!string.IsNullOrEmpty(s3))
            {
                shared["Storage:Provider"] = "S3";
                shared["Storage:S3:ServiceUrl"] = s3;
                shared["Storage:S3:Bucket"] = bucket;
                shared["Storage:S3:CreateBucket"] = "true";
                shared["Storage:S3:ForcePathStyle"] = "true";
                shared["Storage:S3:AccessKeyId"] = "S3RVER";
                shared["Storage:S3:SecretAccessKey"] = "S3RVER";
                shared["Backup:Target"] = $"s3://{bucket}/backups";
            }
            var clock = new ManualClock(Start);
            await using var a = await StartNodeAsync(clock, shared);
            await using var b = await StartNodeAsync(clock, shared);
            Assert.Equal(HttpStatusCode.OK, (await a.PublishAsync(CrateFileBuilder.Valid("alpha", "1.0.0").PublishBody())).StatusCode);
            var nodes = new[] { JobNode.Of(a), JobNode.Of(b) };
            foreach (var node in nodes) await node.TickAsync();

            for (var day = 1; day <= 3; day++)
            {
                clock.Advance(day == 1 ? TimeSpan.FromHours(2) : TimeSpan.FromDays(1));
                await Task.WhenAll(nodes.Select(n => Task.Run(n.TickAsync)));
                Assert.Equal(day, (await BackupJobsAsync(a)).Count);
                await Task.WhenAll(nodes.Select(n => Task.Run(n.RunAllAsync)));
                Assert.All(await BackupJobsAsync(b), j => Assert.Equal((JobState.Succeeded, 1), (j.State, j.Attempts)));
            }

            var location = a.Services.GetRequiredService<IBackupLocationFactory>().Open(a.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Core.Options.BackupOptions>>().Value.Target!);
            var listings = await BackupCatalog.ListAsync(location, CancellationToken.None);
            Assert.Equal(["20261205T030000Z", "20261206T030000Z", "20261207T030000Z"], listings.Select(l => l.Id).Order(StringComparer.Ordinal));
            Assert.All(listings, l => Assert.True(l.Complete, l.Problem));
            var runs = await b.Services.GetRequiredService<IBackupRunLog>().ListRecentAsync(10, CancellationToken.None);
            Assert.Equal(3, runs.Count);
            Assert.All(runs, r => Assert.True(r.Succeeded, r.Error));
        }
    }

    private async Task<TestApp> StartNodeAsync(ManualClock clock, Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Jobs:Enabled"] = "false",
            ["Backup:Schedule"] = "0 3 * * *",
            ["Backup:Target"] = _target,
        };
        foreach (var (k, v) in settings) values[k] = v;
        return await TestApp.StartAsync(values, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            more?.Invoke(services);
        });
    }

    private static async Task<IReadOnlyList<JobRecord>> BackupJobsAsync(TestApp app) =>
        (await app.Services.GetRequiredService<IJobRepository>().ListAsync(null, 500, CancellationToken.None))
            .Where(j => j.Kind == BackupJobHandler.JobKind).ToList();


    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_target, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
        return ValueTask.CompletedTask;
    }
}
