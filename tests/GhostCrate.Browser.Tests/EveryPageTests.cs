using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// Issue 23's checks "on every page, old and new": each page a signed-in administrator can reach
/// (<see cref="SiteTour.Pages"/>, which <see cref="SiteTourCoverageTests"/> keeps complete) answers its status, keeps
/// WCAG AA text contrast in dark and light mode, labels every control, renders without script errors or sideways
/// scrolling at desktop and phone width (a screenshot of each), shows a focus ring on every Tab stop, and stays within
/// the weight budget (<see cref="PageWeight"/>).
/// </summary>
public sealed class EveryPageTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private readonly SiteTour _tour = new();

    protected override Dictionary<string, string?> ServerSettings => _tour.Settings;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await SiteTour.SeedAsync(Server);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _tour.Dispose();
    }

    private static async Task VisitAsync(IPage page, TourPage tour)
    {
        var response = await page.GotoAsync(tour.Path, new() { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.True(response is not null && response.Status == tour.Status, $"{tour.Path} answered {response?.Status}, expected {tour.Status}");
    }

    private static string ScreenshotName(string path) =>
        path == "/" ? "home" : string.Concat(path.Trim('/').Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));

    [Theory]
    [InlineData("dark")]
    [InlineData("light")]
    public async Task Every_page_has_readable_text_and_labelled_controls(string scheme)
    {
        var context = await NewSchemeContextAsync(scheme);
        try
        {
            var page = await NewPageAsync(context);
            var failures = new List<string>();
            foreach (var path in new[] { "/login", "/crates/tour-widget", "/orgs/tourists/crates" })
            {
                await page.GotoAsync(path);
                foreach (var problem in await page.EvaluateAsync<string[]>(PageChecks.LowContrast)) failures.Add($"{path} (anonymous): {problem}");
            }
            await LogInAsync(page, "/me");

            // The check itself can fail: grey on grey is reported.
            var probe = await page.EvaluateAsync<string[]>($$"""
                () => {
                  const p = document.createElement('p');
                  p.textContent = 'grey on grey';
                  p.style.color = '#777'; p.style.background = '#888';
                  document.body.append(p);
                  const found = ({{PageChecks.LowContrast}})();
                  p.remove();
                  return found;
                }
                """);
            Assert.Contains(probe, p => p.Contains("grey on grey", StringComparison.Ordinal));

            var unlabelled = new List<string>();
            foreach (var tour in SiteTour.Pages)
            {
                await VisitAsync(page, tour);
                foreach (var problem in await page.EvaluateAsync<string[]>(PageChecks.LowContrast)) failures.Add($"{tour.Path}: {problem}");
                foreach (var control in await page.EvaluateAsync<string[]>(PageChecks.UnlabelledControls)) unlabelled.Add($"{tour.Path}: {control}");
            }
            await page.GotoAsync("/crates/tour-widget");
            await ScreenshotAsync(scheme, page);
            Assert.True(failures.Count == 0, $"{scheme} mode, text below WCAG AA contrast:\n{string.Join("\n", failures.Distinct())}");
            Assert.True(unlabelled.Count == 0, $"controls without an accessible name:\n{string.Join("\n", unlabelled)}");
            AssertNoScriptErrors();
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public async Task Every_page_renders_cleanly(string device)
    {
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
            var page = await NewPageAsync(context);
            await LogInAsync(page, "/me");
            var problems = new List<string>();
            foreach (var tour in SiteTour.Pages)
            {
                await VisitAsync(page, tour);
                var overflow = await page.EvaluateAsync<int>(PageChecks.SidewaysOverflow);
                if (overflow > 0) problems.Add($"{tour.Path} scrolls sideways by {overflow}px ({string.Join("; ", await page.EvaluateAsync<string[]>(PageChecks.OverflowCulprits))})");
                var edge = await page.EvaluateAsync<string[]>(PageChecks.TextAtTheEdge);
                if (edge.Length > 0) problems.Add($"{tour.Path}: text at the left edge: {string.Join("; ", edge)}");
                await ScreenshotAsync($"{device}.{ScreenshotName(tour.Path)}", page);

                // Keyboard users see where they are: every Tab stop shows a focus ring.
                if (!phone)
                {
                    for (var i = 0; i < 25; i++)
                    {
                        await page.Keyboard.PressAsync("Tab");
                        if (await page.EvaluateAsync<string?>(PageChecks.FocusWithoutRing) is { Length: > 0 } ring) problems.Add($"{tour.Path}: focus without a visible ring: {ring}");
                    }
                }
            }
            Assert.True(problems.Count == 0, $"{device}:\n{string.Join("\n", problems.Distinct())}");
            AssertNoScriptErrors();
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_page_stays_within_the_weight_budget()
    {
        await LogInAsync(Page, "/me");
        var signedIn = await Context.StorageStateAsync();
        var weights = new List<PageWeight>();
        var problems = new List<string>();
        foreach (var tour in SiteTour.Pages)
        {
            // A fresh context per page: an empty cache, so each page is weighed as a first visit.
            var context = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = Server.BaseUrl,
                StorageState = signedIn,
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            });
            try
            {
                var page = await NewPageAsync(context);
                var finished = new List<IRequest>();
                page.RequestFinished += (_, request) => { lock (finished) finished.Add(request); };
                page.RequestFailed += (_, request) => { lock (problems) problems.Add($"{tour.Path}: {request.Url} failed: {request.Failure}"); };
                await VisitAsync(page, tour);

                var weight = new PageWeight(tour.Path);
                List<IRequest> requests;
                lock (finished) requests = [.. finished];
                foreach (var request in requests)
                {
                    // Everything a page loads comes from this server, so the budget covers all of it.
                    if (!request.Url.StartsWith(Server.BaseUrl + "/", StringComparison.Ordinal)) problems.Add($"{tour.Path} loads {request.Url} from elsewhere");
                    var response = await request.ResponseAsync();
                    if (response is not null && request.ResourceType != "document" && response.Status >= 400) problems.Add($"{tour.Path}: {request.Url} answered {response.Status}");
                    // A response from the browser's memory cache (the tab's icon, after the header's logo fetched the
                    // same file) transferred nothing; Playwright reports its body as minus its headers' size.
                    weight.Add(request.ResourceType, Math.Max(0, (await request.SizesAsync()).ResponseBodySize));
                }
                Assert.True(weight.Html > 0, $"{tour.Path}: the document itself was not measured");
                // Every page loads the layout's script and style: a zero here means they went unmeasured, and the
                // script and style budget could then never fail.
                Assert.True(weight.Script > 0 && weight.Style > 0, $"{tour.Path}: script ({weight.Script} bytes) or style ({weight.Style} bytes) was not measured");
                problems.AddRange(weight.OverBudget());
                weights.Add(weight);
            }
            finally
            {
                await context.DisposeAsync();
            }
        }

        var report = PageWeight.Report(weights);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Directory.CreateDirectory(ScreenshotDirectory);
        await File.WriteAllTextAsync(Path.Combine(ScreenshotDirectory, "page-weights.md"), report, TestContext.Current.CancellationToken);
        TestContext.Current.AddAttachment("page-weights.md", report);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        AssertNoScriptErrors();
    }
}
