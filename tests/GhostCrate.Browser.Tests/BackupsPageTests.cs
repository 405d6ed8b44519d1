using System.Text.Json;
using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// /admin/backups in Chromium: reached from the admin navigation, it says that backups are encrypted, "Back up now"
/// queues a backup that the server's job worker takes, and the run appears as succeeded and encrypted; the backup on
/// disk is encrypted indeed.
/// </summary>
public sealed class BackupsPageTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private readonly string _root = Directory.CreateTempSubdirectory("gc-browser-backups-").FullName;

    private string Target => Path.Combine(_root, "backups");

    private string KeyFile
    {
        get
        {
            var path = Path.Combine(_root, "backup.key");
            if (!File.Exists(path)) File.WriteAllText(path, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
            return path;
        }
    }

    protected override Dictionary<string, string?> ServerSettings => new()
    {
        ["Backup:Target"] = Target,
        ["Backup:EncryptionKeyFile"] = KeyFile,
        ["Jobs:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task Back_up_now_makes_an_encrypted_backup_that_the_page_lists()
    {
        await Server.PublishAsync(new CrateBody("kept-safe", "1.0.0"));
        await LogInAsync(Page, "/admin");
        await Page.Locator("nav.admin-nav").GetByRole(AriaRole.Link, new() { Name = "Backups" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/admin/backups$"));
        await Expect(Page.Locator("[data-backup=encryption]")).ToHaveTextAsync("on: AES-256-GCM, key from Backup:EncryptionKeyFile");
        await Expect(Page.GetByText("No backup has run yet.")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Back up now" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/admin/backups\\?done=queued&job=\\d+$"));
        await Expect(Page.GetByText(new Regex("Backup queued as job \\d+"))).ToBeVisibleAsync();

        // The worker runs the job in the background: reload until its run is listed (a deadline, not a sleep).
        var run = Page.Locator("tbody tr[data-run]");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await run.CountAsync() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no backup run appeared on /admin/backups within 60 s");
            await Page.WaitForTimeoutAsync(250);
            await Page.ReloadAsync();
        }
        await Expect(run).ToHaveCountAsync(1);
        await Expect(run.Locator("[data-result]")).ToHaveTextAsync("succeeded");
        await Expect(run.Locator("[data-encrypted]")).ToHaveTextAsync("yes");
        var id = await run.GetAttributeAsync("data-run");
        await ScreenshotAsync();

        // What the page says is what is on disk: an encrypted manifest, and no crate file readable as gzip.
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Target, id!, "manifest.json"), TestContext.Current.CancellationToken));
        Assert.True(manifest.RootElement.TryGetProperty("encryption", out _), "the manifest has no encryption entry");
        var crate = await File.ReadAllBytesAsync(Path.Combine(Target, id!, "blobs", "crates", "kept-safe", "kept-safe-1.0.0.crate"), TestContext.Current.CancellationToken);
        Assert.False(crate is [0x1f, 0x8b, ..], "the crate file in the backup is plain gzip");
        AssertNoScriptErrors();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
