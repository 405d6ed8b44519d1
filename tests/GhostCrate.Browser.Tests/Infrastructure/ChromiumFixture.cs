using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(GhostCrate.Browser.Tests.Infrastructure.ChromiumFixture))]

namespace GhostCrate.Browser.Tests.Infrastructure;

/// <summary>
/// One headless Debian Chromium for the whole test run, driven by Playwright (no browser download: the executable is
/// given). Each test opens its own browser context, so cookies and storage never leak between tests.
/// GHOSTCRATE_CHROMIUM overrides the path (default /usr/bin/chromium; scripts/test.sh installs it).
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public static readonly string ExecutablePath = Environment.GetEnvironmentVariable("GHOSTCRATE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(
        $"Chromium did not start (looked for {ExecutablePath}); install Debian's chromium package (scripts/test.sh does) or set GHOSTCRATE_CHROMIUM");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath)) return;
        // Expect(...) assertions have their own timeout (5 s by default), separate from the context's. On a 2-core
        // CI machine running several test projects, rendering the API reference alone took longer than that.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Root in a container has no user namespaces for the sandbox; the rest keeps Chromium off the network
            // (no update checks, no sync, no QUIC probes), so tests only talk to the server under test.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
