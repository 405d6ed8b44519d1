using Microsoft.Playwright;

namespace GhostCrate.Browser.Tests.Infrastructure;

/// <summary>
/// Base of the browser tests: a fresh server and a fresh browser context (1280x900 unless a test asks otherwise) per
/// test. Script errors and Content-Security-Policy violations are collected (<see cref="AssertNoScriptErrors"/>), and
/// every test leaves a screenshot of its last page in {test output}/screenshots/{Class}.{Test}.png.
/// </summary>
public abstract class BrowserTest(ChromiumFixture chromium) : IAsyncLifetime
{
    public static readonly string ScreenshotDirectory = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private readonly List<string> _scriptErrors = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _network = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private IBrowserContext? _context;
    private UiServer? _server;

    protected UiServer Server => _server ?? throw new InvalidOperationException("not initialised");
    protected IPage Page { get; private set; } = null!;
    protected IBrowserContext Context => _context ?? throw new InvalidOperationException("not initialised");

    /// <summary>Server settings for this class (e.g. Registry:AuthRequired).</summary>
    protected virtual Dictionary<string, string?>? ServerSettings => null;

    protected virtual BrowserNewContextOptions ContextOptions => new() { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } };

    public virtual async ValueTask InitializeAsync()
    {
        _server = await UiServer.StartAsync(ServerSettings);
        var options = ContextOptions;
        options.BaseURL = Server.BaseUrl;
        _context = await chromium.Browser.NewContextAsync(options);
        // Generous for a 2-core CI machine running tests in parallel; a wait that fails still fails the test.
        _context.SetDefaultTimeout(20_000);
        Page = await NewPageAsync();
    }

    /// <summary>A page in <paramref name="context"/> (the test's own by default) whose script errors and network this test watches.</summary>
    protected async Task<IPage> NewPageAsync(IBrowserContext? context = null)
    {
        var page = await (context ?? Context).NewPageAsync();
        // A log of every request with its timing, written to the test's output at the end: when a wait times out,
        // it says which request was slow or never finished.
        page.Request += (_, request) => _network.Enqueue($"{_clock.ElapsedMilliseconds,7} ms  start    {request.Method} {request.Url}");
        page.RequestFinished += (_, request) => _network.Enqueue($"{_clock.ElapsedMilliseconds,7} ms  finished {request.Method} {request.Url}");
        page.RequestFailed += (_, request) => _network.Enqueue($"{_clock.ElapsedMilliseconds,7} ms  failed   {request.Method} {request.Url}: {request.Failure}");
        page.Load += (_, _) => _network.Enqueue($"{_clock.ElapsedMilliseconds,7} ms  load event");
        page.PageError += (_, error) => { lock (_scriptErrors) _scriptErrors.Add("page error: " + error); };
        page.Console += (_, message) =>
        {
            // CSP violations and failed script loads are reported as console errors.
            if (message.Type == "error" && !message.Text.Contains("Failed to load resource", StringComparison.Ordinal))
            {
                lock (_scriptErrors) _scriptErrors.Add("console: " + message.Text);
            }
        };
        return page;
    }

    /// <summary>Another browser context on this test's server at 1280x900, in the colour scheme "dark" or "light".</summary>
    protected Task<IBrowserContext> NewSchemeContextAsync(string scheme) => Context.Browser!.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = Server.BaseUrl,
        ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
    });

    /// <summary>Signs in as admin through the login form and waits to arrive at <paramref name="returnTo"/>.</summary>
    protected static Task LogInAsync(IPage page, string returnTo) => LogInAsync(page, "admin", UiServer.AdminPassword, returnTo);

    /// <summary>Signs in through the login form and waits to arrive at <paramref name="returnTo"/>.</summary>
    protected static async Task LogInAsync(IPage page, string username, string password, string returnTo)
    {
        await page.GotoAsync("/login?returnUrl=" + Uri.EscapeDataString(returnTo));
        await page.GetByLabel("User name").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.Locator("form.login-form").GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(returnTo) + "$"));
    }

    protected void AssertNoScriptErrors()
    {
        lock (_scriptErrors) Assert.True(_scriptErrors.Count == 0, string.Join("\n", _scriptErrors));
    }

    protected async Task ScreenshotAsync(string? suffix = null, IPage? page = null)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var test = TestContext.Current.Test;
        var name = $"{GetType().Name}.{test?.TestCase.TestMethod?.MethodName ?? "unknown"}{(suffix is null ? "" : "." + suffix)}.png";
        var path = Path.Combine(ScreenshotDirectory, name);
        var bytes = await (page ?? Page).ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name, bytes, "image/png");
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (!_network.IsEmpty) TestContext.Current.TestOutputHelper?.WriteLine("network:\n" + string.Join("\n", _network));
        if (_context is not null)
        {
            try
            {
                // Always leave a picture of where the test ended, passed or failed.
                if (Page is not null && !Page.IsClosed) await ScreenshotAsync("final");
            }
            catch (PlaywrightException)
            {
                // The page may be gone after a crash; the test result says what happened.
            }
            await _context.DisposeAsync();
        }
        if (_server is not null) await _server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
