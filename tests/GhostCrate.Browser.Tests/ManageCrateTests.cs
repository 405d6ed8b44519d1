using GhostCrate.Browser.Tests.Infrastructure;
using GhostCrate.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>Issue 23: managing a crate in the browser, checked with the real cargo; forms never repeat on reload.</summary>
public sealed class ManageCrateTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task A_version_yanked_with_a_reason_in_the_ui_is_skipped_by_cargo_generate_lockfile()
    {
        await Server.PublishAsync(new CrateBody("acme-http", "1.0.0"));
        await Server.PublishAsync(new CrateBody("acme-http", "1.1.0"));
        await LogInAsync(Page, "/crates/acme-http");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Manage acme-http (yank, owners, access)" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Yank 1.1.0" }).ClickAsync();
        // The confirmation is a page of its own (no JavaScript needed); nothing is yanked yet.
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Yank acme-http 1.1.0?" })).ToBeVisibleAsync();
        await ScreenshotAsync("confirm");
        await Page.GetByLabel("Reason (shown on the version's page)").FillAsync("leaks connections; use 1.0.0");
        await Page.Locator("[data-confirm-yank]").GetByRole(AriaRole.Button, new() { Name = "Yank 1.1.0" }).ClickAsync();
        await Expect(Page.Locator("[data-status-message]")).ToContainTextAsync("Yanked 1.1.0");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/crates/acme-http/manage$"));
        // A reload after the post repeats the GET only.
        await Page.ReloadAsync();
        await Expect(Page.Locator("[data-status-message]")).ToHaveCountAsync(0);
        var yanks = await Server.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: AuditActions.CrateYanked), TestContext.Current.CancellationToken);
        Assert.Single(yanks);

        await Page.GotoAsync("/crates/acme-http/1.1.0");
        await Expect(Page.Locator("[data-yank-reason]")).ToHaveTextAsync("Reason: leaks connections; use 1.0.0");

        using var cargo = new Cargo(Server);
        var project = cargo.NewCrate("consumer", "0.1.0");
        await File.AppendAllTextAsync(Path.Combine(project, "Cargo.toml"), "\nacme-http = { version = \"1\", registry = \"ghostcrate\" }\n", TestContext.Current.CancellationToken);
        var locked = await cargo.RunAsync(project, ["generate-lockfile"], token: null);
        Assert.True(locked.ExitCode == 0, locked.Output);
        var lockFile = await File.ReadAllTextAsync(Path.Combine(project, "Cargo.lock"), TestContext.Current.CancellationToken);
        Assert.Contains("name = \"acme-http\"\nversion = \"1.0.0\"", lockFile, StringComparison.Ordinal);
        Assert.DoesNotContain("1.1.0", lockFile, StringComparison.Ordinal);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_version_deleted_in_the_ui_after_a_confirmation_is_gone_for_cargo_and_cannot_be_published_again()
    {
        await Server.PublishAsync(new CrateBody("acme-gone", "1.0.0"));
        await Server.PublishAsync(new CrateBody("acme-gone", "1.1.0"));
        await LogInAsync(Page, "/crates/acme-gone/manage");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete 1.1.0" }).ClickAsync();
        // The confirmation is a page of its own; nothing is deleted yet.
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Delete acme-gone 1.1.0?" })).ToBeVisibleAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Server.Client().GetAsync("/api/v1/crates/acme-gone/1.1.0/download")).StatusCode);
        await ScreenshotAsync("confirm-delete");
        await Page.GetByLabel("Reason (kept with the tombstone and in the audit log)").FillAsync("published a secret");
        await Page.GetByLabel("I understand that this cannot be undone").CheckAsync();
        await Page.Locator("[data-confirm-delete]").GetByRole(AriaRole.Button, new() { Name = "Delete 1.1.0" }).ClickAsync();
        await Expect(Page.Locator("[data-status-message]")).ToContainTextAsync("Deleted acme-gone 1.1.0");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/crates/acme-gone/manage$"));
        await Page.ReloadAsync();
        await Expect(Page.Locator("[data-status-message]")).ToHaveCountAsync(0);
        await Expect(Page.Locator("tr[data-version='1.1.0']")).ToHaveCountAsync(0);
        var deletions = await Server.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: AuditActions.CrateDeleted), TestContext.Current.CancellationToken);
        Assert.Single(deletions);

        using var cargo = new Cargo(Server);
        var project = cargo.NewCrate("consumer", "0.1.0");
        await File.AppendAllTextAsync(Path.Combine(project, "Cargo.toml"), "\nacme-gone = { version = \"=1.1.0\", registry = \"ghostcrate\" }\n", TestContext.Current.CancellationToken);
        var locked = await cargo.RunAsync(project, ["generate-lockfile"], token: null);
        Assert.True(locked.ExitCode != 0, locked.Output);
        Assert.Contains("acme-gone", locked.Output, StringComparison.Ordinal);

        var again = new ByteArrayContent(new CrateBody("acme-gone", "1.1.0").Build());
        again.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        var republish = await Server.Client(UiServer.AdminToken).PutAsync("/api/v1/crates/new", again);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, republish.StatusCode);
        Assert.Contains("can never be published again", await republish.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Reloading_after_creating_a_token_leaves_one_token_and_hides_the_secret()
    {
        await LogInAsync(Page, "/me");
        await Page.Locator("details.new-token summary").ClickAsync();
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("reload-me");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secret = (await Page.Locator("#new-token").TextContentAsync())!.Trim();
        Assert.StartsWith("gcr_", secret, StringComparison.Ordinal);

        await Page.ReloadAsync();

        await Expect(Page.Locator(".tokens-table tr[data-token=reload-me]")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#new-token")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await Page.ContentAsync(), StringComparison.Ordinal);
        AssertNoScriptErrors();
    }
}
