using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>Logging in, making an API token in the UI and publishing with it from the real cargo, the audit log.</summary>
public sealed class AccountTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private async Task LogInAsync(string username = "admin", string password = UiServer.AdminPassword, string returnTo = "/me")
    {
        await Page.GotoAsync("/login?returnUrl=" + Uri.EscapeDataString(returnTo));
        await Page.GetByLabel("User name").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.Locator("form.login-form").GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    [Fact]
    public async Task Login_works_and_a_wrong_password_is_refused()
    {
        await Page.GotoAsync("/");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Log in" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/login\\?returnUrl=%2F$"));

        await Page.GetByLabel("User name").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync("not the password");
        await Page.Locator("form.login-form").GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match");
        await ScreenshotAsync("refused");

        await Page.GetByLabel("User name").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync(UiServer.AdminPassword);
        await Page.Locator("form.login-form").GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/$"));
        await Expect(Page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "admin", Exact = true })).ToBeVisibleAsync();

        // Log out from the account page.
        await Page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "admin", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(Page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Log in" })).ToBeVisibleAsync();
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Cargo_login_url_leads_through_login_to_the_account_page()
    {
        await Page.GotoAsync("/me");

        await Expect(Page).ToHaveURLAsync(new Regex("/login\\?returnUrl=%2Fme$"));
        await Page.GetByLabel("User name").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync(UiServer.AdminPassword);
        await Page.Locator("form.login-form").GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("/me$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "API tokens" })).ToBeVisibleAsync();
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_token_created_in_the_ui_publishes_with_cargo_and_can_be_revoked()
    {
        await LogInAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/me$"));

        // The admin already has a token (GHOSTCRATE_ADMIN_TOKEN), so the form starts folded.
        await Page.Locator("details.new-token summary").ClickAsync();
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("browser-laptop");
        await Page.GetByLabel("Only (none checked: read only)").CheckAsync();
        await Page.GetByLabel("publish new crates").CheckAsync();
        await Page.GetByLabel("Only these crates").FillAsync("ui-made-*");
        await Page.GetByLabel("Expires").SelectOptionAsync("30");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        var secret = (await Page.Locator("#new-token").TextContentAsync())!.Trim();
        Assert.StartsWith("gcr_", secret, StringComparison.Ordinal);
        var row = Page.Locator(".tokens-table tr[data-token=browser-laptop]");
        await Expect(row).ToContainTextAsync("publish-new");
        await Expect(row).ToContainTextAsync("ui-made-*");
        await ScreenshotAsync("token-created");

        // The real cargo publishes with it...
        using var cargo = new Cargo(Server);
        var project = cargo.NewCrate("ui-made-crate", "0.1.0");
        var published = await cargo.RunAsync(project, ["publish", "--registry", "ghostcrate", "--allow-dirty", "--no-verify"], secret);
        Assert.True(published.ExitCode == 0, published.Output);
        // ...but only what the scopes allow.
        var outside = cargo.NewCrate("other-crate", "0.1.0");
        var refused = await cargo.RunAsync(outside, ["publish", "--registry", "ghostcrate", "--allow-dirty", "--no-verify"], secret);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("ui-made-*", refused.Output, StringComparison.Ordinal);

        // The secret is never shown again.
        await Page.GotoAsync("/me");
        await Expect(Page.Locator("#new-token")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await Page.ContentAsync(), StringComparison.Ordinal);
        await Expect(Page.Locator("#crates .crate-name", new() { HasText = "ui-made-crate" })).ToBeVisibleAsync();

        // Revoking asks first, then cargo is refused.
        Page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Revoke browser-laptop" }).ClickAsync();
        await Expect(Page.Locator("[data-status-message]")).ToContainTextAsync("revoked");
        await Expect(Page.Locator(".tokens-table tr[data-token=browser-laptop]")).ToHaveCountAsync(0);
        var again = await cargo.RunAsync(cargo.NewCrate("ui-made-second", "0.1.0"), ["publish", "--registry", "ghostcrate", "--allow-dirty", "--no-verify"], secret);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("revoked", again.Output, StringComparison.Ordinal);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task An_admin_sees_the_audit_entry()
    {
        await LogInAsync(returnTo: "/admin");
        await Expect(Page).ToHaveURLAsync(new Regex("/admin$"));
        await Expect(Page.Locator("[data-ready]")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(Page.Locator("tr[data-dependency=Database]")).ToContainTextAsync("ok");

        // An action to audit: create a user from the admin page, then yank a crate through the API.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Page.GetByLabel("User name").FillAsync("carol");
        await Page.GetByLabel("Generate a password and show it once").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(Page.Locator("[data-status-message]")).ToContainTextAsync("carol");
        await Expect(Page.Locator("#new-password")).Not.ToBeEmptyAsync();
        await Server.PublishAsync(new CrateBody("audited", "1.0.0"));
        await Server.YankAsync("audited", "1.0.0");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(Page.Locator("tr[data-target='user:carol']")).ToContainTextAsync("admin");
        await Expect(Page.Locator("tr[data-target='crate:audited@1.0.0'][data-action*=yank]")).ToBeVisibleAsync();
        await ScreenshotAsync("audit");

        // Filtering by action prefix.
        await Page.GetByLabel("Action").FillAsync("user.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(Page.Locator("tr[data-target='crate:audited@1.0.0']")).ToHaveCountAsync(0);
        await Expect(Page.Locator("tr[data-target='user:carol']")).ToBeVisibleAsync();
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Admin_pages_are_closed_to_other_users()
    {
        await LogInAsync(returnTo: "/admin/users");
        // Administrators get an "Admin" link in the header; other users do not (below).
        await Expect(Page.Locator("header [data-admin-link]")).ToHaveAttributeAsync("href", "/admin");
        await Page.GetByLabel("User name").FillAsync("dave");
        await Page.GetByLabel("Password", new() { Exact = false }).First.FillAsync("a long enough password");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(Page.Locator("[data-status-message]")).ToContainTextAsync("dave");
        await Page.GotoAsync("/me");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();

        await LogInAsync("dave", "a long enough password", "/me");
        await Expect(Page.Locator("[data-admin-link]")).ToHaveCountAsync(0);
        var response = await Page.GotoAsync("/admin/audit");

        Assert.Equal(403, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        AssertNoScriptErrors();
    }
}
