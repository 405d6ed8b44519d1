using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Jobs;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Backup;

/// <summary>
/// /admin/backups and /api/v1/admin/backups: administrators see the schedule, its next run and the latest runs, and
/// "back up now" queues one backup job (POST-redirect-GET with the antiforgery token, audited); others get 403.
/// The job worker is off so the test decides when the queued job runs.
/// </summary>
public sealed class BackupAdminTests : IAsyncDisposable
{
    private readonly string _target = Directory.CreateTempSubdirectory("gc-backup-admin-").FullName;

    private Task<TestApp> StartAsync() => TestApp.StartAsync(new()
    {
        ["Jobs:Enabled"] = "false",
        ["Backup:Schedule"] = "30 2 * * *",
        ["Backup:Target"] = _target,
        ["Backup:KeepLast"] = "7",
        ["Backup:KeepMonthly"] = "12",
    });

    [Fact]
    public async Task The_page_shows_schedule_and_runs_and_back_up_now_queues_one_job()
    {
        await using var app = await StartAsync();
        await app.Services.GetRequiredService<JobScheduler>().TickAsync(CancellationToken.None);
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        await app.Services.GetRequiredService<IBackupRunLog>().RecordAsync(
            new BackupRun(at, at.AddSeconds(3), _target, null, false, 0, "disk full while writing blobs/crates/a/a-1.0.0.crate"), CancellationToken.None);
        await app.Services.GetRequiredService<IBackupRunLog>().RecordAsync(
            new BackupRun(at.AddMinutes(1), at.AddMinutes(2), _target, "20261206T030000Z", true, 4096, null, Encrypted: true, BaseId: "20261205T030000Z", Blobs: 10, ReusedBlobs: 8), CancellationToken.None);
        await app.Services.GetRequiredService<IBackupRunLog>().RecordAsync(
            new BackupRun(at.AddMinutes(3), at.AddMinutes(4), _target, "20261206T040000Z", true, 4096, null, Blobs: 10), CancellationToken.None);

        await Users.CreateWithTokenAsync(app, "mallory");
        using var user = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync("mallory", "a long enough password")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/admin/backups")).StatusCode);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = await GetPageAsync(admin, "/admin/backups");
        Assert.Equal("30 2 * * * (UTC)", page.QuerySelector("[data-backup='schedule']")!.TextContent.Trim());
        var next = DateTimeOffset.Parse(page.QuerySelector("[data-backup='next-run'] time")!.GetAttribute("datetime")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((2, 30), (next.UtcDateTime.Hour, next.UtcDateTime.Minute));
        Assert.Contains(_target, page.QuerySelector("[data-backup='target']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("keep the newest 7, 12 monthly", page.QuerySelector("[data-backup='retention']")!.TextContent.Trim());
        var failed = page.QuerySelector("td[data-result='failed']")!.ParentElement!;
        Assert.Contains("disk full", failed.TextContent, StringComparison.Ordinal);
        Assert.Equal("no", failed.QuerySelector("[data-encrypted]")!.TextContent.Trim());
        var incremental = page.QuerySelector("tr[data-run='20261206T030000Z']")!;
        Assert.Equal("yes", incremental.QuerySelector("[data-encrypted]")!.TextContent.Trim());
        Assert.Equal(("yes", "8"), (incremental.QuerySelector("[data-incremental]")!.GetAttribute("data-incremental"), incremental.QuerySelector("[data-incremental]")!.GetAttribute("data-reused")));
        Assert.Equal("yes, on 20261205T030000Z: reused 8 of 10 blobs", incremental.QuerySelector("[data-incremental]")!.TextContent.Trim());
        Assert.Equal("no (full)", page.QuerySelector("tr[data-run='20261206T040000Z'] [data-incremental]")!.TextContent.Trim());
        Assert.StartsWith("off: ", page.QuerySelector("[data-backup='encryption']")!.TextContent.Trim(), StringComparison.Ordinal);

        // A form post without the antiforgery token is refused and queues nothing.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.PostAsync("/admin/backups", new FormUrlEncodedContent([]))).StatusCode);
        Assert.Empty(await BackupJobsAsync(app));

        var (token, field) = await admin.CsrfAsync();
        var posted = await admin.Http.PostAsync("/admin/backups", new FormUrlEncodedContent([new(field, token)]));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var job = Assert.Single(await BackupJobsAsync(app));
        Assert.Equal(JobState.Pending, job.State);
        Assert.Equal($"/admin/backups?done=queued&job={job.Id}", posted.Headers.Location!.OriginalString);
        var after = await GetPageAsync(admin, posted.Headers.Location.OriginalString);
        Assert.Contains($"job {job.Id}", after.Body!.TextContent, StringComparison.Ordinal);

        // A second click while the first waits is not a second backup.
        var again = await admin.Http.PostAsync("/admin/backups", new FormUrlEncodedContent([new(field, token)]));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Single(await BackupJobsAsync(app));

        var audit = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/audit?action=backup."));
        var entry = Assert.Single(audit.GetProperty("events").EnumerateArray());
        Assert.Equal($"job:{job.Id}", entry.GetProperty("target").GetString());
    }

    [Fact]
    public async Task The_API_lists_runs_and_queues_a_backup_that_the_worker_then_takes()
    {
        await using var app = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("beta", "1.0.0").PublishBody())).StatusCode);
        using var http = app.Client(TestApp.AdminToken);

        var queued = await http.PostAsync("/api/v1/admin/backups", null);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var jobId = (await Json.ReadAsync(queued)).GetProperty("job_id").GetInt64();
        var conflict = await http.PostAsync("/api/v1/admin/backups", null);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);

        var runner = app.Services.GetRequiredService<JobRunner>();
        while (await runner.RunNextAsync(CancellationToken.None)) { }
        Assert.Equal(JobState.Succeeded, (await app.Services.GetRequiredService<IJobRepository>().FindAsync(jobId, CancellationToken.None))!.State);

        var overview = await Json.ReadAsync(await http.GetAsync("/api/v1/admin/backups"));
        Assert.Equal("30 2 * * *", overview.GetProperty("schedule").GetString());
        Assert.Equal(_target, overview.GetProperty("target").GetString());
        Assert.Equal(7, overview.GetProperty("retention").GetProperty("keep_last").GetInt32());
        Assert.Equal(12, overview.GetProperty("retention").GetProperty("keep_monthly").GetInt32());
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("encryption").ValueKind);
        var run = Assert.Single(overview.GetProperty("runs").EnumerateArray());
        Assert.True(run.GetProperty("succeeded").GetBoolean());
        Assert.False(run.GetProperty("encrypted").GetBoolean());
        Assert.True(run.GetProperty("bytes").GetInt64() > 0);
        var id = run.GetProperty("backup_id").GetString()!;
        Assert.True(File.Exists(Path.Combine(_target, id, BackupManifest.FileName)));
        Assert.Equal((false, JsonValueKind.Null, 1, 0), (run.GetProperty("incremental").GetBoolean(), run.GetProperty("base_backup_id").ValueKind, run.GetProperty("blobs").GetInt32(), run.GetProperty("reused_blobs").GetInt32()));

        // The next one is incremental (Backup:Incremental's default) and references the unchanged crate file.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/v1/admin/backups", null)).StatusCode);
        while (await runner.RunNextAsync(CancellationToken.None)) { }
        var newest = (await Json.ReadAsync(await http.GetAsync("/api/v1/admin/backups"))).GetProperty("runs")[0];
        Assert.True(newest.GetProperty("succeeded").GetBoolean(), newest.GetProperty("error").GetString());
        Assert.Equal((true, id, 1, 1), (newest.GetProperty("incremental").GetBoolean(), newest.GetProperty("base_backup_id").GetString(), newest.GetProperty("blobs").GetInt32(), newest.GetProperty("reused_blobs").GetInt32()));
    }

    [Fact]
    public async Task The_config_page_shows_Backup_IncludeProxyCache_and_Backup_IncludeMirror()
    {
        var mirror = Directory.CreateTempSubdirectory("gc-config-mirror-").FullName;
        Directory.CreateDirectory(Path.Combine(mirror, "index"));
        await using var app = await TestApp.StartAsync(new()
        {
            ["Jobs:Enabled"] = "false",
            ["Backup:Target"] = _target,
            ["Backup:IncludeProxyCache"] = "true",
            ["Backup:IncludeMirror"] = "true",
            ["Mirror:Directory"] = mirror,
            // A closed loopback port: nothing in this test may reach crates.io.
            ["Proxy:Enabled"] = "true",
            ["Proxy:Upstreams:crates-io:IndexUrl"] = "sparse+http://127.0.0.1:9/index/",
        });
        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var config = await GetPageAsync(admin, "/admin/config");
        Assert.Equal("true", config.QuerySelector("tr[data-key='Backup:IncludeProxyCache'] td:last-child")!.TextContent.Trim());
        Assert.Equal("true", config.QuerySelector("tr[data-key='Backup:IncludeMirror'] td:last-child")!.TextContent.Trim());
        Directory.Delete(mirror, recursive: true);
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> GetPageAsync(WebSession session, string path)
    {
        var response = await session.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
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
