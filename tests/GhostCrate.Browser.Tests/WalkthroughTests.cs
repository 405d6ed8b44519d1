using System.Text.Json;
using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// Issue 6 page by page in Chromium, each step with a screenshot: the home page's counts and cargo set-up (the
/// crates.io proxy and the offline mirror this server serves), search sorting and pagination by keyboard, the
/// downloads JSON, and text contrast in dark and light mode on every kind of page.
/// </summary>
public sealed class WalkthroughTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private readonly string _mirror = CreateMirrorDirectory();

    // The crates.io upstream points at a closed port: nothing here may reach the internet, and publishing new names
    // is allowed while the upstream cannot be asked (the dependency-confusion guard is the proxy's own business).
    protected override Dictionary<string, string?>? ServerSettings => new()
    {
        ["Proxy:Enabled"] = "true",
        ["Proxy:Upstreams:crates-io:IndexUrl"] = "http://127.0.0.1:9/index/",
        ["Proxy:AllowPublishWhenUpstreamUnreachable"] = "true",
        ["Mirror:Directory"] = _mirror,
        ["Mirror:MountPath"] = "/offline/",
    };

    private static string CreateMirrorDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "gc-walk-mirror-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "index"));
        return root;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_mirror, recursive: true);
    }

    /// <summary>23 crates "walk-00".."walk-22" (two pages of 20): walk-05 is the most downloaded, walk-22 the newest.</summary>
    private async Task PublishManyAsync()
    {
        for (var i = 0; i < 23; i++)
        {
            await Server.PublishAsync(new CrateBody($"walk-{i:D2}", "1.0.0") { Description = $"Walkthrough crate number {i}" });
        }
        await Server.PublishAsync(new CrateBody("walk-05", "1.1.0") { Description = "Walkthrough crate number 5, again" });
        await Server.DownloadAsync("walk-05", "1.1.0", times: 7);
        await Server.DownloadAsync("walk-11", "1.0.0", times: 3);
        // Updated last: first when sorted by recent updates.
        await Server.PublishAsync(new CrateBody("walk-17", "2.0.0") { Description = "Walkthrough crate number 17, renewed" });
    }

    [Fact]
    public async Task The_home_page_counts_lists_and_offers_each_cargo_setup_this_server_serves()
    {
        await PublishManyAsync();
        await Page.GotoAsync("/");

        await Expect(Page.Locator("[data-stat=crates]")).ToHaveTextAsync("23");
        await Expect(Page.Locator("[data-stat=versions]")).ToHaveTextAsync("25");
        await Expect(Page.Locator("[data-stat=downloads]")).ToHaveTextAsync("10");
        await Expect(Page.Locator("section[aria-labelledby=recent-heading] .crate-name").First).ToHaveTextAsync("walk-17");
        await Expect(Page.Locator("section[aria-labelledby=popular-heading] .crate-name").First).ToHaveTextAsync("walk-05");

        await Expect(Page.Locator("#setup-registry")).ToContainTextAsync($"index = \"sparse+{Server.BaseUrl}/index/\"");
        await Expect(Page.Locator("#setup-mirror")).ToContainTextAsync($"registry = \"sparse+{Server.BaseUrl}/crates-io/index/\"");
        await Expect(Page.Locator("#setup-offline-mirror")).ToContainTextAsync($"registry = \"sparse+{Server.BaseUrl}/offline/index/\"");

        // The offline snippet is copied exactly as shown, and the mount it names answers cargo's config request.
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy: Offline crates.io mirror configuration" }).ClickAsync();
        var copied = await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Contains("replace-with = \"ghostcrate-offline\"", copied, StringComparison.Ordinal);
        var config = await Page.APIRequest.GetAsync("/offline/index/config.json");
        Assert.Equal(200, config.Status);
        Assert.StartsWith(Server.BaseUrl + "/offline/crates/", JsonDocument.Parse(await config.TextAsync()).RootElement.GetProperty("dl").GetString());

        await Page.Locator("#setup").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync("home");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Search_sorts_and_pages_by_keyboard()
    {
        await PublishManyAsync();
        await Page.GotoAsync("/search?q=walkthrough");
        var rows = Page.Locator("#results tr[data-crate]");
        await Expect(Page.Locator(".result-count")).ToContainTextAsync("23 crates found · page 1 of 2");
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(Page.Locator("nav.pagination [aria-current=page]")).ToHaveTextAsync("1");

        // Sort by name with the keyboard: focus the select, choose, and the results follow (htmx), URL included.
        await Page.Locator("#sort").FocusAsync();
        await Page.Locator("#sort").SelectOptionAsync("name");
        await Expect(Page).ToHaveURLAsync(new Regex("sort=name"));
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "walk-00");
        await Expect(rows.Nth(19)).ToHaveAttributeAsync("data-crate", "walk-19");

        // To page 2 by Tab and Enter.
        var next = Page.Locator("nav.pagination a[rel=next]");
        for (var i = 0; i < 80 && !await next.EvaluateAsync<bool>("e => e === document.activeElement"); i++) await Page.Keyboard.PressAsync("Tab");
        await Expect(next).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page).ToHaveURLAsync(new Regex("page=2"));
        await Expect(Page).ToHaveURLAsync(new Regex("sort=name"));
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "walk-20");
        await Expect(Page.Locator("nav.pagination [aria-current=page]")).ToHaveTextAsync("2");
        await ScreenshotAsync("page-2-by-name");

        await Page.GotoAsync("/search?q=walkthrough&sort=downloads");
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "walk-05");
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-crate", "walk-11");
        await Expect(rows.First).ToContainTextAsync("1.1.0");
        await Page.GotoAsync("/search?q=walkthrough&sort=recent");
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "walk-17");
        await Expect(rows.First).ToContainTextAsync("2.0.0");
        await Expect(Page.Locator("#sort")).ToHaveValueAsync("recent");
        await ScreenshotAsync("recent");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task The_downloads_json_counts_per_day_and_version()
    {
        await PublishManyAsync();
        var response = await Page.APIRequest.GetAsync("/api/v1/crates/walk-05/downloads?days=7");
        Assert.Equal(200, response.Status);
        var json = JsonDocument.Parse(await response.TextAsync()).RootElement;
        Assert.Equal("walk-05", json.GetProperty("crate").GetString());
        var totals = json.GetProperty("totals").EnumerateArray().ToList();
        Assert.Equal(7, totals.Count);
        Assert.Equal(7, totals.Sum(t => t.GetProperty("downloads").GetInt64()));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var perVersion = json.GetProperty("version_downloads").EnumerateArray().Single();
        Assert.Equal("1.1.0", perVersion.GetProperty("version").GetString());
        Assert.Equal(today, perVersion.GetProperty("date").GetString());
        Assert.Equal(7, perVersion.GetProperty("downloads").GetInt64());

        // The crate page draws the same numbers, with a table for screen readers and no-JS.
        await Page.GotoAsync("/crates/walk-05");
        await Expect(Page.Locator("canvas")).ToHaveCountAsync(1);
        await ScreenshotAsync("crate");
        AssertNoScriptErrors();
    }

    /// <summary>
    /// WCAG 2.x contrast of every visible text against the background it is painted on (the first opaque background
    /// up the tree): at least 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
    /// </summary>
    private const string LowContrast = """
        () => {
          const rgba = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
          const lum = ({ r, g, b }) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
          const background = el => {
            const layers = [];
            for (let e = el; e; e = e.parentElement) {
              const c = rgba(getComputedStyle(e).backgroundColor);
              if (c.a > 0) { layers.push(c); if (c.a >= 1) break; }
            }
            let base = { r: 255, g: 255, b: 255 };
            for (const c of layers.reverse()) base = { r: c.r * c.a + base.r * (1 - c.a), g: c.g * c.a + base.g * (1 - c.a), b: c.b * c.a + base.b * (1 - c.a) };
            return base;
          };
          const problems = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const seen = new Set();
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || seen.has(el) || !n.textContent.trim()) continue;
            seen.add(el);
            const s = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            if (s.visibility !== 'visible' || s.display === 'none' || box.width < 2 || box.height < 2 || el.closest('[aria-hidden=true], .visually-hidden, noscript, script, style, option')) continue;
            const fg = rgba(s.color);
            const bg = background(el);
            const mixed = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a) };
            const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
            const ratio = (hi + 0.05) / (lo + 0.05);
            const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
            const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
            if (ratio < need) problems.push(`${ratio.toFixed(2)} < ${need}: <${el.tagName.toLowerCase()} class="${el.className}"> "${n.textContent.trim().slice(0, 40)}"`);
          }
          return problems;
        }
        """;

    [Theory]
    [InlineData("dark")]
    [InlineData("light")]
    public async Task Text_is_readable_in_dark_and_light_mode_on_every_kind_of_page(string scheme)
    {
        await PublishManyAsync();
        await Server.YankAsync("walk-05", "1.0.0");
        var context = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl,
            ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        try
        {
            var page = await context.NewPageAsync();
            var anonymous = new List<string>();
            foreach (var path in new[] { "/login", "/admin" })
            {
                await page.GotoAsync(path);
                foreach (var problem in await page.EvaluateAsync<string[]>(LowContrast)) anonymous.Add($"{path} (anonymous): {problem}");
            }
            await page.GotoAsync("/login?returnUrl=%2Fme");
            await page.GetByLabel("User name").FillAsync("admin");
            await page.GetByLabel("Password").FillAsync(UiServer.AdminPassword);
            await page.Locator("form.login-form").GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/me$"));

            // The check itself can fail: grey on grey is reported.
            var probe = await page.EvaluateAsync<string[]>($$"""
                () => {
                  const p = document.createElement('p');
                  p.textContent = 'grey on grey';
                  p.style.color = '#777'; p.style.background = '#888';
                  document.body.append(p);
                  const found = ({{LowContrast}})();
                  p.remove();
                  return found;
                }
                """);
            Assert.Contains(probe, p => p.Contains("grey on grey", StringComparison.Ordinal));

            var failures = new List<string>(anonymous);
            foreach (var path in new[] { "/", "/search?q=walkthrough", "/crates/walk-05", "/crates/walk-05/1.1.0/graph", "/crates/walk-05/1.1.0/source/src/lib.rs", "/crates/walk-05/diff?from=1.0.0&to=1.1.0", "/categories", "/categories/web-programming", "/keywords", "/keywords/test", "/me", "/orgs", "/admin", "/admin/users", "/admin/audit", "/admin/analytics", "/admin/mirror", "/admin/config", "/crates/no-such-crate" })
            {
                await page.GotoAsync(path);
                foreach (var problem in await page.EvaluateAsync<string[]>(LowContrast)) failures.Add($"{path}: {problem}");
            }
            await page.GotoAsync("/crates/walk-05");
            await ScreenshotAsync(scheme, page);
            Assert.True(failures.Count == 0, $"{scheme} mode, text below WCAG AA contrast:\n{string.Join("\n", failures.Distinct())}");
        }
        finally
        {
            await context.DisposeAsync();
        }
    }
}

/// <summary>
/// Every page as an administrator sees it, at desktop and phone width: no script errors or CSP violations, no
/// sideways scrolling on a phone, and a screenshot of each (screenshots/PageTourTests.*.png) to look at.
/// </summary>
public sealed class PageTourTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private static readonly string[] Paths =
    [
        "/", "/search?q=tour", "/crates/tour-widget", "/crates/tour-widget/1.0.0/graph", "/crates/tour-base/dependents",
        "/crates/tour-widget/manage", "/crates/tour-widget/manage?yank=1.0.0",
        "/users/admin", "/me", "/orgs", "/orgs/tourists", "/orgs/tourists/crates", "/categories", "/categories/web-programming",
        "/keywords", "/keywords/test", "/search?q=tour&category=web-programming&advisories=true", "/admin", "/admin/users", "/admin/orgs", "/admin/audit", "/admin/mirror",
        "/admin/analytics", "/admin/config", "/crates/missing-crate",
    ];

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public async Task Every_page_renders_cleanly(string device)
    {
        await Server.PublishAsync(new CrateBody("tour-base", "1.0.0") { Description = "The base of the tour" });
        await Server.PublishAsync(new CrateBody("tour-widget", "1.0.0")
        {
            Description = "A widget with a rather long description that has to wrap on a phone screen without scrolling sideways",
            Readme = "# Tour widget\n\nSome text.\n\n| column one | column two | column three |\n|---|---|---|\n| 1 | 2 | 3 |\n",
            Dependencies = [CrateBody.Dependency("tour-base", "^1")],
        });
        await Server.DownloadAsync("tour-widget", "1.0.0", times: 2);
        var phone = device == "phone";
        var context = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl,
            ViewportSize = phone ? new ViewportSize { Width = 375, Height = 740 } : new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
        });
        try
        {
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, e) => { lock (errors) errors.Add($"{page.Url}: {e}"); };
            page.Console += (_, m) =>
            {
                if (m.Type == "error" && !m.Text.Contains("Failed to load resource", StringComparison.Ordinal)) lock (errors) errors.Add($"{page.Url}: {m.Text}");
            };
            await page.GotoAsync("/login?returnUrl=%2Fme");
            await page.GetByLabel("User name").FillAsync("admin");
            await page.GetByLabel("Password").FillAsync(UiServer.AdminPassword);
            await page.Locator("form.login-form").GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/me$"));
            await page.GotoAsync("/orgs");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("tourists");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/orgs/tourists"));

            var overflowing = new List<string>();
            foreach (var path in Paths)
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                if (overflow > 0)
                {
                    // Name the culprits: elements reaching past the viewport whose parent does not (a table in a scroll
                    // box is fine, but an absolutely positioned child escapes it unless the box is positioned).
                    var culprits = await page.EvaluateAsync<string[]>("""
                        () => [...document.querySelectorAll('body *')]
                          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !(e.parentElement.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
                          .slice(0, 5).map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> right=${Math.round(e.getBoundingClientRect().right)}`)
                        """);
                    overflowing.Add($"{path} by {overflow}px ({string.Join("; ", culprits)})");
                }
                // Text glued to the screen edge is hard to read on a phone: everything keeps a margin.
                var edge = await page.EvaluateAsync<string[]>("""
                    () => [...document.querySelectorAll('body *')]
                      .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
                      .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e); return r.width > 0 && r.height > 0 && s.visibility === 'visible' && r.left < 4 && !e.closest('.visually-hidden, .skip-link'); })
                      .slice(0, 3).map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> "${e.textContent.trim().slice(0, 30)}"`)
                    """);
                if (edge.Length > 0) overflowing.Add($"{path}: text at the left edge: {string.Join("; ", edge)}");
                await ScreenshotAsync($"{device}.{(path == "/" ? "home" : path.Trim('/').Replace('/', '_').Replace('?', '_').Replace('=', '-'))}", page);
            }
            Assert.True(overflowing.Count == 0, $"{device}: {string.Join("\n", overflowing)}");

            // Keyboard users see where they are: every Tab stop on these pages shows a focus ring.
            if (!phone)
            {
                var invisible = new List<string>();
                foreach (var path in new[] { "/search?q=tour", "/crates/tour-widget", "/me", "/admin/mirror" })
                {
                    await page.GotoAsync(path);
                    for (var i = 0; i < 25; i++)
                    {
                        await page.Keyboard.PressAsync("Tab");
                        var ring = await page.EvaluateAsync<string?>("""
                            () => {
                              const e = document.activeElement;
                              if (!e || e === document.body) return null;
                              const s = getComputedStyle(e);
                              const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
                              return visible ? '' : `<${e.tagName.toLowerCase()} class="${e.className}"> "${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}"`;
                            }
                            """);
                        if (!string.IsNullOrEmpty(ring)) invisible.Add($"{path}: {ring}");
                    }
                }
                Assert.True(invisible.Count == 0, "focus without a visible ring:\n" + string.Join("\n", invisible.Distinct()));
            }
            lock (errors) Assert.True(errors.Count == 0, string.Join("\n", errors));
        }
        finally
        {
            await context.DisposeAsync();
        }
    }
}
