using System.Net;
using AngleSharp.Html.Parser;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>
/// Every page, signed in as an administrator (so the account and admin pages render in full, the offline mirror page
/// with a sync running): a Content-Security-Policy without inline script, not one inline script or event handler in
/// the markup, and script plus style within the weight budget.
/// </summary>
public sealed class PageHygieneTests : IAsyncLifetime
{
    private readonly string _mirror = Path.Combine(Path.GetTempPath(), "gc-hygiene-" + Guid.NewGuid().ToString("N"));
    private TestApp _app = null!;
    private WebSession _admin = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_mirror, "index"));
        new SyncStatus { Phase = SyncPhases.Syncing, FilesQueued = 4, FilesDone = 1, StartedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow }
            .Save(new MirrorLayout(_mirror));
        _app = await TestApp.StartAsync(new() { ["Mirror:Directory"] = _mirror });
        await UiCrates.PublishAsync(_app, "hygiene-dep", "1.0.0");
        await UiCrates.PublishAsync(_app, "hygiene", "1.0.0", readme: "# Hygiene\n", deps: [CrateFileBuilder.Dependency("hygiene-dep", "^1")]);
        _admin = new WebSession(_app);
        Assert.Equal(HttpStatusCode.OK, (await _admin.LoginAsync("admin", "correct horse battery")).StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_mirror, recursive: true);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/search?q=hygiene&sort=name")]
    [InlineData("/crates/hygiene")]
    [InlineData("/crates/hygiene/1.0.0/graph")]
    [InlineData("/crates/hygiene/manage")]
    [InlineData("/crates/hygiene/manage?yank=1.0.0")]
    [InlineData("/crates/hygiene-dep/dependents")]
    [InlineData("/users/admin")]
    [InlineData("/me")]
    [InlineData("/orgs")]
    [InlineData("/admin")]
    [InlineData("/admin/users")]
    [InlineData("/admin/orgs")]
    [InlineData("/admin/deleted")]
    [InlineData("/crates/hygiene/manage?transfer=acme")]
    [InlineData("/admin/audit")]
    [InlineData("/admin/advisories")]
    [InlineData("/admin/analytics")]
    [InlineData("/admin/mirror")]
    [InlineData("/admin/docs")]
    [InlineData("/admin/jobs")]
    [InlineData("/admin/backups")]
    [InlineData("/admin/branding")]
    [InlineData("/admin/config")]
    [InlineData("/error/404")]
    public async Task No_inline_script_and_within_the_weight_budget(string path)
    {
        var response = await _admin.Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode || path.StartsWith("/error/", StringComparison.Ordinal), $"{path}: {(int)response.StatusCode}");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);

        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var inline = page.QuerySelectorAll("script:not([src])").Where(s => s.GetAttribute("type") != "application/json").Select(s => s.OuterHtml).ToList();
        Assert.True(inline.Count == 0, $"{path}: inline script {string.Join(", ", inline)}");
        var handlers = page.All.SelectMany(e => e.Attributes.Where(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)).Select(a => $"<{e.LocalName} {a.Name}>")).ToList();
        Assert.True(handlers.Count == 0, $"{path}: event handler attributes {string.Join(", ", handlers)}");
        Assert.Empty(page.QuerySelectorAll("a[href^='javascript:' i]"));

        long total = 0;
        foreach (var url in page.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!)
                     .Concat(page.QuerySelectorAll("link[rel=stylesheet]").Select(l => l.GetAttribute("href")!)))
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");
            var asset = await _app.Client().SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            total += (await asset.Content.ReadAsByteArrayAsync()).Length;
        }
        Assert.True(total < AssetTests.PageBudgetBytes, $"{path} transfers {total} bytes of script and style; the budget is {AssetTests.PageBudgetBytes}");
    }
}
