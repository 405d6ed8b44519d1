using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using GhostCrate.Core.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>Issue 23: an invitation to own a crate shows in the header and on /me, where the invitee accepts it.</summary>
public sealed class OwnerInvitationBrowserTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private const string Password = "a long enough password";

    private async Task<string> UserWithTokenAsync(string name)
    {
        var users = Server.Services.GetRequiredService<UserService>();
        Assert.True((await users.CreateUserAsync(name, Password, isAdmin: false, CancellationToken.None)).IsSuccess);
        return (await users.CreateTokenAsync(name, "browser", null, TokenScopes.Unrestricted, CancellationToken.None)).Value!.Secret;
    }

    [Fact]
    public async Task The_invitee_accepts_on_me_and_may_then_publish()
    {
        var olga = await UserWithTokenAsync("olga");
        var bob = await UserWithTokenAsync("bob");
        await Server.PublishAsync(new CrateBody("shared-lib", "1.0.0") { Description = "Shared by two" }, olga);
        var invited = await Server.Client(olga).PutAsJsonAsync("/api/v1/crates/shared-lib/owners", new { users = new[] { "bob" } });
        Assert.Equal("user bob has been invited to be an owner of crate shared-lib",
            (await invited.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("msg").GetString());
        await Server.PublishAsync(new CrateBody("shared-lib", "1.1.0"), bob, HttpStatusCode.Forbidden);

        await LogInAsync(Page, "bob", Password, "/");
        var badge = Page.Locator("[data-invitations-link]");
        await Expect(badge.Locator(".badge")).ToHaveTextAsync("1");
        await badge.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/me#pending-heading$"));
        var invitation = Page.Locator("[data-crate-invitation='shared-lib']");
        await Expect(invitation).ToContainTextAsync("olga invites you to own shared-lib");
        await ScreenshotAsync("pending");

        await invitation.GetByRole(AriaRole.Button, new() { Name = "Accept ownership of shared-lib" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/crates/shared-lib/manage$"));
        await Expect(Page.Locator("[data-status-message]")).ToContainTextAsync("You now own shared-lib");
        await Expect(Page.Locator("#owners li[data-owner='bob']")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-invitations-link]")).ToHaveCountAsync(0);
        // The answer was a post followed by a redirect: reloading shows the page again and changes nothing.
        await Page.ReloadAsync();
        await Expect(Page.Locator("#owners li[data-owner]")).ToHaveCountAsync(2);
        await ScreenshotAsync("accepted");

        await Server.PublishAsync(new CrateBody("shared-lib", "1.1.0"), bob);
        AssertNoScriptErrors();
    }
}
