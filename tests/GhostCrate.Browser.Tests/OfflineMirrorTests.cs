using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using GhostCrate.Cli;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Web.Ui.OfflineMirror;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// /admin/mirror with an offline mirror served at /offline/: progress of a running `mirror sync` (another process,
/// which only leaves its status file) appears live, with htmx and, without JavaScript, by the page reloading itself;
/// a real sync from another GhostCrate shows up with its result and the served index count.
/// </summary>
public sealed class OfflineMirrorTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    /// <summary>The page refreshes every 2 s (htmx) or 5 s (no script); waits get room for a busy 2-core machine.</summary>
    private const float Refresh = 20_000;

    private readonly string _root = CreateMirrorDirectory();
    private MirrorLayout Layout => new(_root);

    protected override Dictionary<string, string?>? ServerSettings => new() { ["Mirror:Directory"] = _root, ["Mirror:MountPath"] = "/offline/" };

    private static string CreateMirrorDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "gc-browser-mirror-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "index"));
        return root;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static SyncStatus Running(long done) => new()
    {
        Phase = SyncPhases.Syncing,
        FilesQueued = 120,
        FilesDone = done,
        FilesDownloaded = done,
        Bytes = done * 40_000,
        BytesPerSecond = 400_000,
        StartedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1),
        UpdatedAt = DateTimeOffset.UtcNow,
        ProcessId = 4242,
        Host = "mirror-box",
    };

    [Fact]
    public async Task A_running_sync_updates_live_with_htmx_and_by_reloading_without_javascript()
    {
        Running(30).Save(Layout);
        await LogInAsync(Page, "/admin/mirror");
        var files = Page.Locator("article[data-mirror='/offline/'] [data-stat=files]");
        await Expect(files).ToContainTextAsync("30 of 120 done");
        await Expect(Page.Locator("article[data-mirror='/offline/'] progress")).ToHaveAttributeAsync("value", "30");
        await ScreenshotAsync("running");

        // The sync moves on; the open page follows without a reload (htmx swaps the section).
        var marker = await Page.EvaluateAsync<string>("() => (window.__notReloaded = 'yes')");
        Running(90).Save(Layout);
        await Expect(files).ToContainTextAsync("90 of 120 done", new() { Timeout = Refresh });
        Assert.Equal("yes", await Page.EvaluateAsync<string>("() => window.__notReloaded"));

        // Without JavaScript the page reloads itself while the sync runs.
        var noScript = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, JavaScriptEnabled = false });
        try
        {
            await noScript.AddCookiesAsync((await Context.CookiesAsync()).Select(c => new Cookie
            {
                Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Expires = c.Expires, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
            }));
            var plain = await noScript.NewPageAsync();
            await plain.GotoAsync("/admin/mirror");
            await Expect(plain.Locator("[data-stat=files]")).ToContainTextAsync("90 of 120 done");
            Running(110).Save(Layout);
            await Expect(plain.Locator("[data-stat=files]")).ToContainTextAsync("110 of 120 done", new() { Timeout = Refresh });
        }
        finally
        {
            await noScript.DisposeAsync();
        }

        // The sync finishes: the page says so and stops showing a progress bar.
        (Running(120) with { Phase = SyncPhases.Complete, FinishedAt = DateTimeOffset.UtcNow }).Save(Layout);
        await Expect(Page.Locator("article[data-mirror='/offline/']")).ToHaveAttributeAsync("data-state", "complete", new() { Timeout = Refresh });
        await Expect(Page.Locator("article[data-mirror='/offline/'] progress")).ToHaveCountAsync(0);
        await ScreenshotAsync("complete");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_real_sync_from_another_ghostcrate_shows_its_result_and_the_served_crates()
    {
        await using var upstream = await UiServer.StartAsync();
        await upstream.PublishAsync(new CrateBody("mirrored-one", "1.0.0"));
        await upstream.PublishAsync(new CrateBody("mirrored-one", "1.1.0"));
        await upstream.PublishAsync(new CrateBody("mirrored-two", "0.1.0"));

        Assert.Equal(0, await CliApp.RunAsync(["mirror", "init", _root, "--upstream", $"sparse+{upstream.BaseUrl}/index/", "--crates", "mirrored-one,mirrored-two"], TextWriter.Null, TextWriter.Null, TextReader.Null));
        var output = new StringWriter();
        var exit = await CliApp.RunAsync(["mirror", "sync", _root, "--plain"], output, output, TextReader.Null);
        Assert.True(exit == 0, output.ToString());

        var status = Server.Services.GetRequiredService<OfflineMirrorStatusService>();
        status.Get();
        await status.PendingCount;
        await LogInAsync(Page, "/admin/mirror");
        var mirror = Page.Locator("article[data-mirror='/offline/']");
        await Expect(mirror).ToHaveAttributeAsync("data-state", "complete");
        await Expect(mirror.Locator("[data-stat=served]")).ToContainTextAsync("2 crates, 3 versions");
        await Expect(mirror.Locator("[data-stat=files]")).ToContainTextAsync("3 of 3 done (3 downloaded)");
        await Expect(mirror).ToContainTextAsync(upstream.BaseUrl);
        await ScreenshotAsync("synced");
        AssertNoScriptErrors();
    }
}
