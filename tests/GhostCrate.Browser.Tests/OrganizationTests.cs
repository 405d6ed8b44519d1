using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>Organizations in the browser: create, invite, accept, teams, and crates owned by the organization.</summary>
public sealed class OrganizationTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private const string BobPassword = "bob's long password";

    [Fact]
    public async Task An_organization_invites_a_member_forms_a_team_and_owns_a_crate()
    {
        var created = await Server.Client(UiServer.AdminToken).PostAsJsonAsync("/api/v1/admin/users", new { username = "bob", password = BobPassword });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Server.PublishAsync(new CrateBody("acme-tools", "1.0.0") { Description = "Tools of Acme" });

        // The admin creates the organization and invites bob.
        await LogInAsync(Page, "admin", UiServer.AdminPassword, "/orgs");
        await Page.GetByLabel("Name").FillAsync("acme");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/orgs/acme\\?done=created$"));
        await Page.GetByLabel("Invite a user").FillAsync("bob");
        await Page.GetByLabel("As").SelectOptionAsync("member");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(Page.Locator("li[data-invited=bob]")).ToContainTextAsync("member");

        // Bob accepts in his own browser context.
        var bob = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl });
        try
        {
            var bobPage = await bob.NewPageAsync();
            await LogInAsync(bobPage, "bob", BobPassword, "/orgs");
            await bobPage.Locator("li[data-invitation=acme]").GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
            await Expect(bobPage).ToHaveURLAsync(new Regex("/orgs/acme\\?done=joined$"));
            await Expect(bobPage.Locator("tr[data-member=bob]")).ToContainTextAsync("member");
            // A member may not manage members.
            await Expect(bobPage.GetByLabel("Invite a user")).ToHaveCountAsync(0);
        }
        finally
        {
            await bob.DisposeAsync();
        }

        // Back as the admin: a team with bob on it, and the crate handed to the organization.
        await Page.GotoAsync("/orgs/acme");
        await Expect(Page.Locator("tr[data-member=bob]")).ToBeVisibleAsync();
        await Page.GetByLabel("New team").FillAsync("tooling");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create team" }).ClickAsync();
        await Page.GetByLabel("Add a member to tooling").FillAsync("bob");
        await Page.Locator("article[data-team=tooling]").GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Expect(Page.Locator("article[data-team=tooling]")).ToContainTextAsync("bob");

        var owners = await Server.Client(UiServer.AdminToken).PutAsJsonAsync("/api/v1/crates/acme-tools/owners", new { users = new[] { "org:acme" } });
        Assert.Equal(HttpStatusCode.OK, owners.StatusCode);
        await Page.GotoAsync("/orgs/acme");
        await Expect(Page.Locator("#crates .crate-name", new() { HasText = "acme-tools" })).ToBeVisibleAsync();
        await ScreenshotAsync("org");

        await Page.GotoAsync("/crates/acme-tools");
        var owner = Page.Locator(".owners li[data-owner='org:acme']");
        await Expect(owner).ToContainTextAsync("organization");
        await owner.GetByRole(AriaRole.Link, new() { Name = "acme" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/orgs/acme$"));

        await Page.GotoAsync("/admin/orgs");
        await Expect(Page.Locator("li[data-org=acme]")).ToBeVisibleAsync();
        AssertNoScriptErrors();
    }
}
