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
/// alone unless asked. The job worker is off, so no build runs: states are set through the repository, as the builder
/// would (the builds that then really run: EndToEnd DocsRebuildAllTests).
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
        var failed = await PublishedAsync(app, "adm-failed");
        var outdated = await PublishedAsync(app, "adm-outdated");
        var current = await PublishedAsync(app, "adm-current");
        var uploaded = await PublishedAsync(app, "adm-uploaded");
        await PublishedAsync(app, "adm-never");
        await SetBuiltAsync(docs, failed, "stable", DocsBuildStatus.Failed, FailedLog);
        await SetBuiltAsync(docs, outdated, "stable", DocsBuildStatus.Built, "ok");
        await SetBuiltAsync(docs, current, "nightly", DocsBuildStatus.Built, "ok");
        await SetBuiltAsync(docs, uploaded, "stable", DocsBuildStatus.Built, "ok");
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

        // Rebuild all: versions built with another toolchain than nightly; the uploaded docs stay.
        var rebuildAll = afterOne.QuerySelector("form[data-docs-rebuild-all]")!;
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, rebuildAll, [])).StatusCode);
        Assert.Equal("Queued 1 build with toolchain nightly; 1 already queued or building.", (await PageAsync(admin, "/admin/docs")).QuerySelector("[data-status-message]")?.TextContent);
        Assert.Equal([DocsBuildQueue.DedupKey("adm-failed", "0.1.0"), DocsBuildQueue.DedupKey("adm-outdated", "0.1.0")], await BuildJobsAsync(app));
        var kept = (await docs.FindAsync(uploaded, CancellationToken.None))!;
        Assert.Equal(("upload", DocsBuildStatus.Built), (kept.Source, kept.BuildStatus));

        // Posted twice (a second click, or another administrator on another node): nothing is queued twice.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, rebuildAll, [])).StatusCode);
        Assert.Equal("Queued 0 builds with toolchain nightly; 2 already queued or building.", (await PageAsync(admin, "/admin/docs")).QuerySelector("[data-status-message]")?.TextContent);
        Assert.Equal(2, (await BuildJobsAsync(app)).Count);

        // Asked for: every version, uploaded docs included.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, rebuildAll, [new("all", "true"), new("includeUploaded", "true")])).StatusCode);
        Assert.Equal("Queued 3 builds with toolchain nightly; 2 already queued or building.", (await PageAsync(admin, "/admin/docs")).QuerySelector("[data-status-message]")?.TextContent);
        Assert.Equal(["adm-current", "adm-failed", "adm-never", "adm-outdated", "adm-uploaded"], (await BuildJobsAsync(app)).Select(k => k.Split(':', '@')[1]).Order());

        var audit = await app.Client(TestApp.AdminToken).GetStringAsync("/api/v1/admin/audit?action=docs.");
        Assert.Contains("crate:adm-failed@0.1.0", audit);
        Assert.Contains("\"include_uploaded\":\"true\"", audit);
    }

    [Fact]
    public async Task The_api_answers_the_same_overview_and_rebuild_all_takes_include_uploaded_and_only_administrators_get_either()
    {
        await using var app = await TestApp.StartAsync(BuilderOn);
        var docs = app.Services.GetRequiredService<IDocsRepository>();
        var failed = await PublishedAsync(app, "api-failed");
        var uploaded = await PublishedAsync(app, "api-uploaded");
        await SetBuiltAsync(docs, failed, "stable", DocsBuildStatus.Failed, FailedLog);
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

        var plain = await Json.ReadAsync(await client.PostAsync("/api/v1/admin/docs/rebuild", null));
        Assert.Equal((false, 1, 0), (plain.GetProperty("include_uploaded").GetBoolean(), plain.GetProperty("queued").GetInt32(), plain.GetProperty("already_queued").GetInt32()));
        var withUploads = await client.PostAsync("/api/v1/admin/docs/rebuild?include_uploaded=true", null);
        Assert.Equal(HttpStatusCode.Accepted, withUploads.StatusCode);
        var answer = await Json.ReadAsync(withUploads);
        Assert.Equal((true, 1, 1), (answer.GetProperty("include_uploaded").GetBoolean(), answer.GetProperty("queued").GetInt32(), answer.GetProperty("already_queued").GetInt32()));
        Assert.Equal(DocsBuildStatus.Queued, (await docs.FindAsync(uploaded, CancellationToken.None))!.BuildStatus);

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

    /// <summary>What the builder records: queued, building with a toolchain, then the result (and the docs when built).</summary>
    private static async Task SetBuiltAsync(IDocsRepository docs, long versionId, string toolchain, DocsBuildStatus result, string log)
    {
        var now = DateTimeOffset.UtcNow;
        Assert.True(await docs.TryQueueBuildAsync(versionId, DocsQueueReason.Publish, now, now.AddHours(-1), CancellationToken.None));
        Assert.True(await docs.TryStartBuildAsync(versionId, toolchain, now, CancellationToken.None));
        await docs.FinishBuildAsync(versionId, result, log, now, CancellationToken.None);
        if (result == DocsBuildStatus.Built) await docs.SwapAsync(versionId, new DocsGeneration($"gen-{versionId}", 1, 10, "build", null, now), null, CancellationToken.None);
    }

    private static async Task<List<string>> BuildJobsAsync(TestApp app) =>
        [.. (await app.Services.GetRequiredService<IJobRepository>().ListAsync(JobState.Pending, 100, CancellationToken.None))
            .Where(j => j.Kind == DocsBuildQueue.JobKind).Select(j => j.DedupKey!).Order(StringComparer.Ordinal)];

    private static string? Count(IDocument page, string state) => page.QuerySelector($"[data-count='{state}']")?.TextContent;

    private static async Task<IDocument> PageAsync(WebSession session, string path)
    {
        var response = await session.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a form of the page as a browser would: its hidden fields (the antiforgery one among them) plus <paramref name="extra"/>.</summary>
    private static Task<HttpResponseMessage> PostFormAsync(WebSession session, IElement form, KeyValuePair<string, string>[] extra)
    {
        var fields = form.QuerySelectorAll("input[type='hidden']").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""));
        return session.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent([.. fields, .. extra]));
    }
}
