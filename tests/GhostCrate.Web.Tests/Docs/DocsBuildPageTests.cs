using System.Net;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Docs;
using GhostCrate.Core.Docs.Build;
using GhostCrate.Core.Jobs;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Docs;

/// <summary>
/// The crate page's part of the docs builder (Pages/Crates/_DocsBuild.cshtml): a failed build is shown to everyone,
/// its log and the rebuild button only to owners and administrators; the button posts with the antiforgery field,
/// queues a build and redirects back. The job worker is off, so no real build runs: the states are set through the
/// repository, as the builder would.
/// </summary>
public sealed class DocsBuildPageTests
{
    private static readonly Dictionary<string, string?> BuilderOn = new()
    {
        ["Docs:Build:Enabled"] = "true",
        // No build runs here (Jobs:Enabled=false); `none` keeps start-up validation independent of running as root.
        ["Docs:Build:Sandbox"] = "none",
        ["Jobs:Enabled"] = "false",
    };

    [Fact]
    public async Task Owners_see_a_failed_build_with_its_log_and_rebuild_it_others_see_only_the_state()
    {
        await using var app = await TestApp.StartAsync(BuilderOn);
        var published = await app.PublishAsync(CrateFileBuilder.Valid("doc-page", "0.1.0").PublishBody());
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        var version = (await app.Services.GetRequiredService<ICrateRepository>().FindVersionAsync("doc-page", "0.1.0", CancellationToken.None))!;
        var docs = app.Services.GetRequiredService<IDocsRepository>();
        await RecordedBuilds.RecordAsync(app, "doc-page", "stable", DocsBuildStatus.Failed, "error[E0425]: the secret-free log line");

        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };
        var publicPage = new HtmlParser().ParseDocument(await anonymous.GetStringAsync("/crates/doc-page/0.1.0"));
        Assert.Equal("failed", publicPage.QuerySelector("[data-docs-build]")?.GetAttribute("data-docs-build"));
        Assert.Null(publicPage.QuerySelector("[data-docs-build-log]"));
        Assert.Null(publicPage.QuerySelector("form[data-docs-rebuild]"));

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var ownerPage = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/crates/doc-page/0.1.0"));
        Assert.Contains("error[E0425]: the secret-free log line", ownerPage.QuerySelector("[data-docs-build-log]")?.TextContent);
        var form = ownerPage.QuerySelector("form[data-docs-rebuild]");
        Assert.NotNull(form);
        var field = form!.QuerySelector("input[name='__RequestVerificationToken']")?.GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(field));

        // Without the antiforgery field the post is refused and nothing is queued.
        var forged = await admin.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(DocsBuildStatus.Failed, (await docs.FindAsync(version.Id, CancellationToken.None))!.BuildStatus);

        var posted = await admin.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent([new("__RequestVerificationToken", field!)]));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/crates/doc-page/0.1.0?docs=queued", posted.Headers.Location?.ToString());
        Assert.Equal(DocsBuildStatus.Queued, (await docs.FindAsync(version.Id, CancellationToken.None))!.BuildStatus);
        var queued = await app.Services.GetRequiredService<IJobRepository>().ListAsync(JobState.Pending, 100, CancellationToken.None);
        Assert.Single(queued, j => j.Kind == DocsBuildQueue.JobKind && j.DedupKey == DocsBuildQueue.DedupKey("doc-page", "0.1.0"));

        var after = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync(posted.Headers.Location!.ToString()));
        Assert.Equal("queued", after.QuerySelector("[data-docs-build]")?.GetAttribute("data-docs-build"));
        Assert.NotNull(after.QuerySelector("[data-docs-rebuild-queued]"));
        Assert.Null(after.QuerySelector("form[data-docs-rebuild]"));
    }

    [Fact]
    public async Task A_build_in_progress_is_shown_with_its_toolchain_and_offers_no_second_build_until_its_job_is_gone()
    {
        await using var app = await TestApp.StartAsync(BuilderOn);
        var published = await app.PublishAsync(CrateFileBuilder.Valid("doc-running", "0.1.0").PublishBody());
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        await RecordedBuilds.RecordAsync(app, "doc-running", "1.95.0", DocsBuildStatus.Building, "");

        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };
        var publicPage = new HtmlParser().ParseDocument(await anonymous.GetStringAsync("/crates/doc-running/0.1.0"));
        var state = publicPage.QuerySelector("[data-docs-build]");
        Assert.Equal("building", state?.GetAttribute("data-docs-build"));
        Assert.Contains("being built now (toolchain 1.95.0)", state!.TextContent);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var ownerPage = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/crates/doc-running/0.1.0"));
        Assert.Equal("building", ownerPage.QuerySelector("[data-docs-build]")?.GetAttribute("data-docs-build"));
        Assert.Null(ownerPage.QuerySelector("form[data-docs-rebuild]"));
        using var client = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/api/v1/docs/doc-running/0.1.0/rebuild", null)).StatusCode);
        Assert.False((await Json.ReadAsync(await client.GetAsync("/api/v1/docs/doc-running/0.1.0/status"))).GetProperty("stalled").GetBoolean());

        // Its node dies, and so does the node of the second attempt: once the last lease has run out the job is dead.
        var jobs = app.Services.GetRequiredService<IJobRepository>();
        var later = DateTimeOffset.UtcNow.AddHours(1);
        Assert.Equal(2, (await jobs.DequeueAsync([DocsBuildQueue.JobKind], later, TimeSpan.FromMinutes(5), CancellationToken.None))?.Job.Attempts);
        Assert.Null(await jobs.DequeueAsync([DocsBuildQueue.JobKind], later.AddHours(1), TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.Single(await jobs.ListAsync(JobState.Dead, 10, CancellationToken.None), j => j.Kind == DocsBuildQueue.JobKind);

        var stalled = await Json.ReadAsync(await client.GetAsync("/api/v1/docs/doc-running/0.1.0/status"));
        Assert.Equal(("building", true), (stalled.GetProperty("status").GetString(), stalled.GetProperty("stalled").GetBoolean()));
        var stalledPage = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/crates/doc-running/0.1.0"));
        Assert.NotNull(stalledPage.QuerySelector("[data-docs-build-stalled]"));
        Assert.NotNull(stalledPage.QuerySelector("form[data-docs-rebuild]"));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/docs/doc-running/0.1.0/rebuild", null)).StatusCode);
        var requeued = await Json.ReadAsync(await client.GetAsync("/api/v1/docs/doc-running/0.1.0/status"));
        Assert.Equal(("queued", false), (requeued.GetProperty("status").GetString(), requeued.GetProperty("stalled").GetBoolean()));
    }

    [Fact]
    public async Task A_rebuild_while_one_is_queued_is_refused_and_queues_nothing_more()
    {
        await using var app = await TestApp.StartAsync(BuilderOn);
        var published = await app.PublishAsync(CrateFileBuilder.Valid("doc-twice", "0.1.0").PublishBody());
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        using var client = app.Client(TestApp.AdminToken);
        var first = await client.PostAsync("/api/v1/docs/doc-twice/0.1.0/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var status = await Json.ReadAsync(first);
        Assert.Equal("queued", status.GetProperty("status").GetString());
        var second = await client.PostAsync("/api/v1/docs/doc-twice/0.1.0/rebuild", null);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var jobs = await app.Services.GetRequiredService<IJobRepository>().ListAsync(JobState.Pending, 100, CancellationToken.None);
        Assert.Single(jobs, j => j.Kind == DocsBuildQueue.JobKind);
    }
}
