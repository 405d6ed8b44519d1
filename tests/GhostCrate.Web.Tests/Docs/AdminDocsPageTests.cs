using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Docs;
using GhostCrate.Core.Docs.Build;
using GhostCrate.Core.Jobs;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Docs;

/// <summary>
/// /admin/docs and GET /api/v1/admin/docs (docs/rustdoc.md#the-admin-page): counts per state, the pinned toolchain,
/// the newest failures with the end of their log; "rebuild this version" and "rebuild all" post with the antiforgery
/// field, redirect back, are audited, queue each version once however often they are posted, and leave uploaded docs
/// alone unless asked; "rebuild all" only starts a docs.rebuild_all job, which the test runs itself. The job worker is
/// off, so no build runs: states are set through the repository, as the builder would (the builds that then really
/// run: EndToEnd DocsRebuildAllTests).
/// </summary>
public sealed class AdminDocsPageTests
{
    private static readonly Dictionary<string, string?> BuilderOn = new()
    {
        ["Docs:Build:Enabled"] = "true",
        ["Docs:Build:Toolchain"] = "nightly",
        ["Docs:Build:Sandbox"] = "none",
        ["Jobs:Enabled"] = "false",
    };

    private const string FailedLog = "   Compiling adm-failed v0.1.0\nerror[E0425]: cannot find value `nope` in this scope\nfailed: `cargo doc` did not succeed";

    [Fact]
    public async Task Administrators_see_states_and_failures_and_rebuild_one_version_or_all_once_keeping_uploads_unless_asked()
    {
        await using var app = await TestApp.StartAsync(BuilderOn);
        var docs = app.Services.GetRequiredService<IDocsRepository>();
        await PublishedAsync(app, "adm-failed");
        await PublishedAsync(app, "adm-outdated");
        await PublishedAsync(app, "adm-current");
        var uploaded = await PublishedAsync(app, "adm-uploaded");
        await PublishedAsync(app, "adm-never");
        await RecordedBuilds.RecordAsync(app, "adm-failed", "stable", DocsBuildStatus.Failed, FailedLog);
        await RecordedBuilds.RecordAsync(app, "adm-outdated", "stable", DocsBuildStatus.Built, "ok");
        await RecordedBuilds.RecordAsync(app, "adm-current", "nightly", DocsBuildStatus.Built, "ok");
        await RecordedBuilds.RecordAsync(app, "adm-uploaded", "stable", DocsBuildStatus.Built, "ok");
        var upload = await DocsUploadTests.UploadAsync(app, "adm-uploaded", "0.1.0", DocsArchiveBuilder.Rustdoc("adm-uploaded").Zip());
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var overview = await PageAsync(admin, "/admin/docs");
        Assert.NotNull(overview.QuerySelector(".admin-nav a[href='/admin/docs'][aria-current='page']"));
        Assert.Equal("nightly", overview.QuerySelector("[data-docs-admin='toolchain'] code")?.TextContent);
        Assert.Equal(("1", "3", "1", "1", "2"), (Count(overview, "failed"), Count(overview, "built"), Count(overview, "uploaded"), Count(overview, "without_docs"), Count(overview, "outdated")));
        var failure = overview.QuerySelector("[data-docs-failure='adm-failed@0.1.0']");
        Assert.NotNull(failure);
        Assert.Contains("error[E0425]: cannot find value `nope`", failure!.QuerySelector("[data-docs-failure-log]")?.TextContent);

        // Rebuild this version: refused without the antiforgery field, then queued, redirected and audited.
        var rebuildForm = failure.QuerySelector("form[data-docs-rebuild]")!;
        var forged = await admin.Http.PostAsync(rebuildForm.GetAttribute("action"), new FormUrlEncodedContent([new("crate", "adm-failed"), new("version", "0.1.0")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty(await BuildJobsAsync(app));
        var rebuilt = await PostFormAsync(admin, rebuildForm, []);
        Assert.Equal(HttpStatusCode.Redirect, rebuilt.StatusCode);
        Assert.Equal("/admin/docs", rebuilt.Headers.Location?.ToString());
        var afterOne = await PageAsync(admin, "/admin/docs");
        Assert.Equal("Queued a build of adm-failed 0.1.0.", afterOne.QuerySelector("[data-status-message]")?.TextContent);
        Assert.Equal([DocsBuildQueue.DedupKey("adm-failed", "0.1.0")], await BuildJobsAsync(app));

        // Rebuild all: the post only starts a job, and answers before any build is queued.
        var rebuildAll = afterOne.QuerySelector("form[data-docs-rebuild-all]")!;
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, rebuildAll, [])).StatusCode);
        var job = Assert.Single(await RebuildAllJobsAsync(app, JobState.Pending));
        Assert.Equal($"Rebuild-all with toolchain nightly started (job {job.Id}): builds are queued in the background, and the counts below show them as they are.",
            (await PageAsync(admin, "/admin/docs")).QuerySelector("[data-status-message]")?.TextContent);
        Assert.Equal([DocsBuildQueue.DedupKey("adm-failed", "0.1.0")], await BuildJobsAsync(app));
        // Posted twice (a second click, or another administrator on another node) while it waits: the same job.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, rebuildAll, [])).StatusCode);
        Assert.Equal($"The same rebuild-all is already queuing builds (job {job.Id}); nothing was started twice.", (await PageAsync(admin, "/admin/docs")).QuerySelector("[data-status-message]")?.TextContent);
        Assert.Single(await RebuildAllJobsAsync(app, JobState.Pending));

        // The job queues versions built with another toolchain than nightly; the uploaded docs stay.
        await RunRebuildAllJobsAsync(app);
        Assert.Equal([DocsBuildQueue.DedupKey("adm-failed", "0.1.0"), DocsBuildQueue.DedupKey("adm-outdated", "0.1.0")], await BuildJobsAsync(app));
        var kept = (await docs.FindAsync(uploaded, CancellationToken.None))!;
        Assert.Equal(("upload", DocsBuildStatus.Built), (kept.Source, kept.BuildStatus));

        // Asked again once that job is done: a new job, which queues nothing twice.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, rebuildAll, [])).StatusCode);
        await RunRebuildAllJobsAsync(app);
        Assert.Equal(2, (await BuildJobsAsync(app)).Count);

        // Asked for: every version, uploaded docs included.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, rebuildAll, [new("all", "true"), new("includeUploaded", "true")])).StatusCode);
        await RunRebuildAllJobsAsync(app);
        Assert.Equal(["adm-current", "adm-failed", "adm-never", "adm-outdated", "adm-uploaded"], (await BuildJobsAsync(app)).Select(k => k.Split(':', '@')[1]).Order());
        Assert.Equal(3, (await RebuildAllJobsAsync(app, JobState.Succeeded)).Count);

        var audit = await app.Client(TestApp.AdminToken).GetStringAsync("/api/v1/admin/audit?action=docs.");
        Assert.Contains("crate:adm-failed@0.1.0", audit);
        Assert.Contains("\"include_uploaded\":\"true\"", audit);
        // What each job queued: 1 (adm-outdated; adm-failed was queued), 0, then 3 of 5.
        Assert.Contains("docs.rebuild_all_queued", audit);
        Assert.Contains("\"queued\":\"3\"", audit);
        Assert.Contains("\"already_queued\":\"2\"", audit);
    }

    [Fact]
    public async Task The_api_answers_the_same_overview_and_rebuild_all_takes_include_uploaded_and_only_administrators_get_either()
    {
        await using var app = await TestApp.StartAsync(BuilderOn);
        var docs = app.Services.GetRequiredService<IDocsRepository>();
        await PublishedAsync(app, "api-failed");
        var uploaded = await PublishedAsync(app, "api-uploaded");
        await RecordedBuilds.RecordAsync(app, "api-failed", "stable", DocsBuildStatus.Failed, FailedLog);
        var upload = await DocsUploadTests.UploadAsync(app, "api-uploaded", "0.1.0", DocsArchiveBuilder.Rustdoc("api-uploaded").Zip());
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());

        using var client = app.Client(TestApp.AdminToken);
        var body = await Json.ReadAsync(await client.GetAsync("/api/v1/admin/docs"));
        Assert.True(body.GetProperty("builder_enabled").GetBoolean());
        Assert.Equal("nightly", body.GetProperty("toolchain").GetString());
        Assert.Equal("none", body.GetProperty("sandbox").GetString());
        var counts = body.GetProperty("counts");
        Assert.Equal((1L, 1L, 1L, 0L), (counts.GetProperty("failed").GetInt64(), counts.GetProperty("uploaded").GetInt64(), counts.GetProperty("outdated").GetInt64(), counts.GetProperty("without_docs").GetInt64()));
        var failure = Assert.Single(body.GetProperty("recent_failures").EnumerateArray());
        Assert.Equal(("api-failed", "0.1.0", "stable"), (failure.GetProperty("crate").GetString(), failure.GetProperty("version").GetString(), failure.GetProperty("toolchain").GetString()));
        Assert.EndsWith("failed: `cargo doc` did not succeed", failure.GetProperty("log_excerpt").GetString());

        // 202 at once, with the job that queues the builds; the same request again joins it.
        var plainAnswer = await client.PostAsync("/api/v1/admin/docs/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, plainAnswer.StatusCode);
        var plain = await Json.ReadAsync(plainAnswer);
        var jobId = plain.GetProperty("job_id").GetInt64();
        Assert.Equal((false, false, "nightly"), (plain.GetProperty("include_uploaded").GetBoolean(), plain.GetProperty("already_running").GetBoolean(), plain.GetProperty("toolchain").GetString()));
        Assert.Equal($"/api/v1/admin/jobs/{jobId}", plainAnswer.Headers.Location?.ToString());
        var again = await Json.ReadAsync(await client.PostAsync("/api/v1/admin/docs/rebuild", null));
        Assert.Equal((jobId, true), (again.GetProperty("job_id").GetInt64(), again.GetProperty("already_running").GetBoolean()));
        var withUploads = await client.PostAsync("/api/v1/admin/docs/rebuild?include_uploaded=true", null);
        Assert.Equal(HttpStatusCode.Accepted, withUploads.StatusCode);
        var answer = await Json.ReadAsync(withUploads);
        Assert.Equal((true, false), (answer.GetProperty("include_uploaded").GetBoolean(), answer.GetProperty("already_running").GetBoolean()));
        Assert.NotEqual(jobId, answer.GetProperty("job_id").GetInt64());
        var pending = await Json.ReadAsync(await client.GetAsync(plainAnswer.Headers.Location));
        Assert.Equal(("docs.rebuild_all", "pending"), (pending.GetProperty("kind").GetString(), pending.GetProperty("state").GetString()));
        Assert.Null((await docs.FindAsync(uploaded, CancellationToken.None))!.BuildStatus); // nothing queued before the job runs

        await RunRebuildAllJobsAsync(app);
        Assert.Equal(DocsBuildStatus.Queued, (await docs.FindAsync(uploaded, CancellationToken.None))!.BuildStatus);
        Assert.Equal("succeeded", (await Json.ReadAsync(await client.GetAsync(plainAnswer.Headers.Location))).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/admin/jobs/999999")).StatusCode);

        // Everyone else: 403 from the API and the page (the matrix covers every other caller of the API).
        var olga = await Users.CreateWithTokenAsync(app, "olga");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(olga).GetAsync("/api/v1/admin/docs")).StatusCode);
        using var user = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync("olga", "a long enough password")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/admin/docs")).StatusCode);
    }

    [Fact]
    public async Task Without_the_builder_the_page_shows_uploads_and_offers_no_rebuild()
    {
        await using var app = await TestApp.StartAsync(new() { ["Jobs:Enabled"] = "false" });
        await PublishedAsync(app, "off-uploaded");
        var upload = await DocsUploadTests.UploadAsync(app, "off-uploaded", "0.1.0", DocsArchiveBuilder.Rustdoc("off-uploaded").Zip());
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = await PageAsync(admin, "/admin/docs");
        Assert.StartsWith("off", page.QuerySelector("[data-docs-admin='builder']")?.TextContent);
        Assert.Equal("1", Count(page, "uploaded"));
        Assert.Null(page.QuerySelector("form[data-docs-rebuild-all]"));
        Assert.NotNull(page.QuerySelector("[data-docs-failures='none']"));
    }

    private static async Task<long> PublishedAsync(TestApp app, string name)
    {
        var published = await app.PublishAsync(CrateFileBuilder.Valid(name, "0.1.0").PublishBody());
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        return (await app.Services.GetRequiredService<ICrateRepository>().FindVersionAsync(name, "0.1.0", CancellationToken.None))!.Id;
    }

    private static async Task<List<string>> BuildJobsAsync(TestApp app) =>
        [.. (await app.Services.GetRequiredService<IJobRepository>().ListAsync(JobState.Pending, 100, CancellationToken.None))
            .Where(j => j.Kind == DocsBuildQueue.JobKind).Select(j => j.DedupKey!).Order(StringComparer.Ordinal)];

    private static async Task<List<JobRecord>> RebuildAllJobsAsync(TestApp app, JobState state) =>
        [.. (await app.Services.GetRequiredService<IJobRepository>().ListAsync(state, 100, CancellationToken.None)).Where(j => j.Kind == DocsRebuildAllHandler.JobKind)];

    /// <summary>Runs the pending rebuild-all jobs as a node's worker would, and nothing else (no build: the worker is off).</summary>
    private static async Task RunRebuildAllJobsAsync(TestApp app)
    {
        var jobs = app.Services.GetRequiredService<IJobRepository>();
        var handler = app.Services.GetRequiredService<DocsRebuildAllHandler>();
        while (await jobs.DequeueAsync([DocsRebuildAllHandler.JobKind], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), CancellationToken.None) is { } leased)
        {
            Assert.Equal(JobOutcomeKind.Succeeded, (await handler.HandleAsync(leased.Job, CancellationToken.None)).Kind);
            Assert.True(await jobs.CompleteAsync(leased, DateTimeOffset.UtcNow, CancellationToken.None));
        }
    }

    private static string? Count(IDocument page, string state) => page.QuerySelector($"[data-count='{state}']")?.TextContent;

    private static async Task<IDocument> PageAsync(WebSession session, string path)
    {
        var response = await session.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a form of the page as a browser would: its hidden fields (the antiforgery one among them) plus <paramref name="extra"/>.</summary>
    private static Task<HttpResponseMessage> PostFormAsync(WebSession session, IElement form, KeyValuePair<string, string>[] extra) =>
        session.PostFormAsync(form, extra);
}
