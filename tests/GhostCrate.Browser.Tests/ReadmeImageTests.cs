using GhostCrate.Browser.Tests.Infrastructure;
using GhostCrate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// Issue 23 in Chromium: a README's relative images load. One through the URL pattern of a self-hosted Gitea
/// (<c>Ui:RepositoryHosts</c>; a small server on 127.0.0.1 stands in for the git host and counts what it is asked),
/// one served from the .crate itself; a relative link points at the git host's file page.
/// </summary>
public sealed class ReadmeImageTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private const string ShotPath = "/acme/widgets/raw/branch/main/docs/shot.svg";

    private LoopbackServer? _git;
    private string _gitUrl = "";
    private int _shotRequests;

    protected override Dictionary<string, string?> ServerSettings => new()
    {
        ["Ui:RepositoryHosts:0:Host"] = new Uri(_gitUrl).Authority,
        ["Ui:RepositoryHosts:0:Kind"] = "Gitea",
    };

    private static string Svg(int width, int height) =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\"><rect width=\"{width}\" height=\"{height}\" fill=\"#36c\"/></svg>";

    public override async ValueTask InitializeAsync()
    {
        // The git host must listen before the registry starts: its address is the registry's setting.
        _git = await LoopbackServer.StartAsync(app => app.MapGet(ShotPath, () =>
        {
            Interlocked.Increment(ref _shotRequests);
            return Results.Text(Svg(7, 5), "image/svg+xml");
        }));
        _gitUrl = _git.BaseAddress.ToString().TrimEnd('/');
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_git is not null) await _git.DisposeAsync();
    }

    [Fact]
    public async Task Relative_images_load_from_the_git_host_pattern_and_from_the_crate()
    {
        await Server.PublishAsync(new CrateBody("pictured", "1.0.0")
        {
            Repository = _gitUrl + "/acme/widgets",
            Readme = "# Pictured\n\n![shot](docs/shot.svg)\n\n![logo](assets/logo.svg)\n\nSee [the guide](docs/guide.md).\n",
            Files = new Dictionary<string, string> { ["assets/logo.svg"] = Svg(9, 4) },
        });
        await Page.GotoAsync("/crates/pictured");

        var shot = Page.Locator("#readme img[alt=shot]");
        await Expect(shot).ToHaveAttributeAsync("src", _gitUrl + ShotPath);
        await Expect(shot).ToHaveJSPropertyAsync("naturalWidth", 7);
        Assert.True(Volatile.Read(ref _shotRequests) >= 1, "the git host was never asked for the image");

        var logo = Page.Locator("#readme img[alt=logo]");
        await Expect(logo).ToHaveAttributeAsync("src", "/crates/pictured/1.0.0/raw/assets/logo.svg");
        await Expect(logo).ToHaveJSPropertyAsync("naturalWidth", 9);

        await Expect(Page.Locator("#readme a", new() { HasText = "the guide" })).ToHaveAttributeAsync("href", _gitUrl + "/acme/widgets/src/branch/main/docs/guide.md");
        await ScreenshotAsync();
        AssertNoScriptErrors();
    }
}
