using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Web.Tests.Support;
using GhostCrate.Web.Ui.OfflineMirror;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>
/// /admin/mirror and /api/v1/admin/mirror/status read the status file `mirror sync` (another process) keeps in the
/// mirror directory: nothing yet, live progress, a run whose heartbeat stopped, the result; plus the served index count.
/// </summary>
public sealed class OfflineMirrorStatusPageTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gc-mirror-ui-" + Guid.NewGuid().ToString("N"));
    // Starts at the real time: session cookies are dated by this clock and the HTTP client checks them against its own.
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private MirrorLayout _layout = null!;
    private TestApp _app = null!;
    private WebSession _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _layout = new MirrorLayout(_root);
        MirrorConfigFile.Save(_layout, MirrorConfig.Create("sparse+https://index.crates.io/", null));
        WriteIndex("serde", 2);
        WriteIndex("log", 3);
        _app = await TestApp.StartAsync(new() { ["Mirror:Directory"] = _root, ["Mirror:MountPath"] = "/offline/" },
            services => services.AddSingleton<TimeProvider>(_clock));
        _admin = new WebSession(_app);
        Assert.Equal(HttpStatusCode.OK, (await _admin.LoginAsync("admin", "correct horse battery")).StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private void WriteIndex(string name, int versions)
    {
        var path = _layout.IndexFile(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, Enumerable.Range(0, versions).Select(v => $$"""{"name":"{{name}}","vers":"1.0.{{v}}","deps":[],"cksum":"{{new string('a', 64)}}","features":{},"yanked":false}"""));
    }

    private async Task<IHtmlDocument> PageAsync()
    {
        var response = await _admin.Http.GetAsync("/admin/mirror");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> JsonAsync()
    {
        var response = await _app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/mirror/status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("mirrors")[0];
    }

    private SyncStatus Running(long done, long queued) => new()
    {
        Phase = SyncPhases.Syncing,
        FilesQueued = queued,
        FilesDone = done,
        FilesDownloaded = done,
        Bytes = 3 * 1024 * 1024,
        BytesPerSecond = 512 * 1024,
        Retries = 1,
        StartedAt = _clock.GetUtcNow() - TimeSpan.FromMinutes(2),
        UpdatedAt = _clock.GetUtcNow(),
        LastError = "log 1.0.1: connection reset (retrying)",
        ProcessId = 4242,
        Host = "mirror-box",
    };

    [Fact]
    public async Task Before_any_sync_the_page_shows_the_served_index_and_that_no_sync_ran()
    {
        _app.Services.GetRequiredService<OfflineMirrorStatusService>().Get();
        await _app.Services.GetRequiredService<OfflineMirrorStatusService>().PendingCount;

        var page = await PageAsync();
        var mirror = page.QuerySelector("article[data-mirror='/offline/']")!;
        Assert.Equal("never", mirror.GetAttribute("data-state"));
        Assert.StartsWith("2 crates, 5 versions", mirror.QuerySelector("[data-stat=served]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("sparse+https://index.crates.io/", mirror.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("progress"));
        Assert.Null(page.QuerySelector("noscript meta[http-equiv=refresh]"));

        var json = await JsonAsync();
        Assert.Equal("never", json.GetProperty("state").GetString());
        Assert.Equal(2, json.GetProperty("served").GetProperty("crates").GetInt64());
        Assert.Equal(5, json.GetProperty("served").GetProperty("versions").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("sync").ValueKind);
    }

    [Fact]
    public async Task A_directory_fed_by_bundles_shows_the_imported_mark_instead_of_never()
    {
        // What `mirror import` writes (BundleImporter): the mirror it belongs to, the mark, when.
        var at = _clock.GetUtcNow() - TimeSpan.FromMinutes(5);
        Directory.CreateDirectory(Path.GetDirectoryName(_layout.ImportStateFile)!);
        File.WriteAllBytes(_layout.ImportStateFile, JsonSerializer.SerializeToUtf8Bytes(new GhostCrate.Mirror.Bundles.ImportState("m-1", 3, at.ToString("O"))));

        var page = await PageAsync();
        var mirror = page.QuerySelector("article[data-mirror='/offline/']")!;
        Assert.Equal("imported", mirror.GetAttribute("data-state"));
        Assert.StartsWith("mark 3, ", mirror.QuerySelector("[data-stat=import]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("fed by bundles", mirror.QuerySelector("[data-stat=sync-state]")!.TextContent, StringComparison.Ordinal);

        var json = await JsonAsync();
        Assert.Equal("imported", json.GetProperty("state").GetString());
        Assert.Equal(3, json.GetProperty("importedMark").GetInt32());
        Assert.Equal(at, json.GetProperty("importedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_running_sync_shows_live_progress_until_its_heartbeat_stops()
    {
        Running(30, 120).Save(_layout);

        var page = await PageAsync();
        var mirror = page.QuerySelector("article[data-mirror='/offline/']")!;
        Assert.Equal("running", mirror.GetAttribute("data-state"));
        var progress = mirror.QuerySelector("progress")!;
        Assert.Equal("30", progress.GetAttribute("value"));
        Assert.Equal("120", progress.GetAttribute("max"));
        Assert.Contains("30 of 120 done", mirror.QuerySelector("[data-stat=files]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("3 MiB", mirror.QuerySelector("[data-stat=bytes]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 retry", mirror.QuerySelector("[data-stat=problems]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("connection reset", mirror.QuerySelector("[data-stat=last-error]")!.TextContent, StringComparison.Ordinal);
        // htmx refreshes the section quickly while a sync runs; without JavaScript the page reloads itself.
        Assert.Equal("every 2s", page.GetElementById("offline-mirrors")!.GetAttribute("hx-trigger"));
        Assert.NotNull(page.QuerySelector("noscript"));
        Assert.Contains("http-equiv=\"refresh\"", page.QuerySelector("noscript")!.InnerHtml, StringComparison.Ordinal);

        var json = await JsonAsync();
        Assert.Equal("running", json.GetProperty("state").GetString());
        Assert.Equal(25, json.GetProperty("percentDone").GetInt32());
        Assert.Equal(30, json.GetProperty("sync").GetProperty("filesDone").GetInt64());
        Assert.True(json.GetProperty("sync").GetProperty("running").GetBoolean());

        // Within the heartbeat window it is still running; past it the process is taken for dead.
        _clock.Advance(OfflineMirrorStatusService.StaleAfter - TimeSpan.FromSeconds(1));
        Assert.Equal("running", (await JsonAsync()).GetProperty("state").GetString());
        _clock.Advance(TimeSpan.FromSeconds(2));
        page = await PageAsync();
        mirror = page.QuerySelector("article[data-mirror='/offline/']")!;
        Assert.Equal("stale", mirror.GetAttribute("data-state"));
        Assert.Contains("stopped without finishing", mirror.QuerySelector("[data-stat=sync-state]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("process 4242 on mirror-box", mirror.TextContent, StringComparison.Ordinal);
        Assert.Null(mirror.QuerySelector("progress"));
        json = await JsonAsync();
        Assert.Equal("stale", json.GetProperty("state").GetString());
        Assert.True(json.GetProperty("stale").GetBoolean());

        // The overview's readiness names it too, without calling the served mirror unhealthy.
        var overview = new HtmlParser().ParseDocument(await _admin.Http.GetStringAsync("/admin"));
        var row = overview.QuerySelector("tr[data-dependency='Offline mirror']")!;
        Assert.Contains("stopped without finishing", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("served at /offline/", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", overview.QuerySelector("[data-ready]")!.GetAttribute("data-ready"));
    }

    [Fact]
    public async Task A_finished_sync_shows_its_result_and_a_new_count_of_the_index()
    {
        var service = _app.Services.GetRequiredService<OfflineMirrorStatusService>();
        service.Get();
        await service.PendingCount;
        WriteIndex("rand", 4);
        (Running(120, 120) with { Phase = SyncPhases.Incomplete, Failures = 2, FinishedAt = _clock.GetUtcNow(), LastError = "rand 1.0.3: not found upstream" }).Save(_layout);

        // The finished sync invalidates the cached count.
        service.Get();
        await service.PendingCount;
        var page = await PageAsync();
        var mirror = page.QuerySelector("article[data-mirror='/offline/']")!;
        Assert.Equal("incomplete", mirror.GetAttribute("data-state"));
        Assert.StartsWith("3 crates, 9 versions", mirror.QuerySelector("[data-stat=served]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("2 failures", mirror.QuerySelector("[data-stat=problems]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("not found upstream", mirror.QuerySelector("[data-stat=last-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("every 10s", page.GetElementById("offline-mirrors")!.GetAttribute("hx-trigger"));
        Assert.Null(page.QuerySelector("noscript meta"));
    }

    [Fact]
    public async Task Only_administrators_see_the_status()
    {
        Running(1, 2).Save(_layout);
        await Users.CreateWithTokenAsync(_app, "mallory");
        using var user = new WebSession(_app);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync("mallory", "a long enough password")).StatusCode);

        var page = await user.Http.GetAsync("/admin/mirror");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.DoesNotContain(_root, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var api = await _app.Client().GetAsync("/api/v1/admin/mirror/status");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
    }
}
