using System.Net.Http.Json;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// Issue 23 in Chromium: a crate transferred to an organization from its manage page (asked first, one post, no repeat
/// on reload) shows the organization on its page; a deleted version's page says when and why instead of "not found".
/// </summary>
public sealed class CrateTransferBrowserTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task A_crate_transferred_in_the_ui_shows_its_organization_and_a_deleted_version_says_why()
    {
        var created = await Server.Client(UiServer.AdminToken).PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }, TestContext.Current.CancellationToken);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await Server.PublishAsync(new CrateBody("acme-http", "1.0.0"));
        await Server.PublishAsync(new CrateBody("acme-http", "1.1.0"));
        await LogInAsync(Page, "/crates/acme-http/manage");

        await Page.Locator("#transfer-org").FillAsync("acme");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Transfer…" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Transfer acme-http to the organization acme?" })).ToBeVisibleAsync();
        await ScreenshotAsync("confirm-transfer");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Transfer to acme" }).ClickAsync();
        await Expect(Page.Locator("[data-status-message]")).ToContainTextAsync("Transferred acme-http to the organization acme");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/crates/acme-http/manage$"));
        await Page.ReloadAsync();
        await Expect(Page.Locator("[data-status-message]")).ToHaveCountAsync(0);

        await Page.GotoAsync("/crates/acme-http");
        await Expect(Page.Locator("[data-owner='org:acme']")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-owner='admin']")).ToHaveCountAsync(0);

        var deleted = await Server.Client(UiServer.AdminToken).DeleteAsync("/api/v1/crates/acme-http/1.1.0?message=leaked%20a%20key", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        var response = await Page.GotoAsync("/crates/acme-http/1.1.0");
        Assert.Equal(410, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "acme-http 1.1.0 was deleted" })).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-deleted-reason]")).ToHaveTextAsync("Reason: leaked a key");
        await ScreenshotAsync("deleted-version");
        await Page.GotoAsync("/admin/deleted");
        await Expect(Page.Locator("tr[data-deleted='acme-http@1.1.0']")).ToContainTextAsync("leaked a key");
        AssertNoScriptErrors();
    }
}
