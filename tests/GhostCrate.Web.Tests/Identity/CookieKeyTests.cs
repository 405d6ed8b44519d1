using System.Net;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>
/// Where the keys that encrypt session and antiforgery cookies live (docs/identity.md "Cookie keys"): in the database by
/// default, so they survive restarts with no folder; in Identity:KeysPath when that is set; and an upgrade copies the
/// old {DataDir}/keys folder into the database so earlier sessions stay valid.
/// (Two nodes on one PostgreSQL: GhostCrate.EndToEnd TwoNodeSessionTests.)
/// </summary>
public sealed class CookieKeyTests : IDisposable
{
    private const string AdminPassword = "correct horse battery";
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gc-keys-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Session_and_antiforgery_cookies_survive_a_restart_with_the_keys_in_the_database_and_no_folder()
    {
        CookieCollection cookies;
        string csrf;
        await using (var first = await TestApp.StartAsync(dataDir: _dataDir))
        {
            using var web = new WebSession(first);
            Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", AdminPassword)).StatusCode);
            (csrf, _) = await web.CsrfAsync();
            cookies = web.Cookies.GetAllCookies();
            Assert.NotEmpty(await first.Services.GetRequiredService<IDataProtectionKeyStore>().GetAllAsync(CancellationToken.None));
        }
        Assert.False(Directory.Exists(Path.Combine(_dataDir, "keys")), "no key folder is written when Identity:KeysPath is unset");

        await using var second = await TestApp.StartAsync(dataDir: _dataDir);
        await AssertSignedInAndCanWriteAsync(second, cookies, csrf);
    }

    [Fact]
    public async Task With_KeysPath_set_the_keys_are_files_in_that_folder_and_not_rows()
    {
        var folder = Path.Combine(_dataDir, "elsewhere");
        await using var app = await TestApp.StartAsync(new() { ["Identity:KeysPath"] = folder }, dataDir: _dataDir);
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", AdminPassword)).StatusCode);
        Assert.NotEmpty(Directory.GetFiles(folder, "key-*.xml"));
        Assert.Empty(await app.Services.GetRequiredService<IDataProtectionKeyStore>().GetAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_upgrade_copies_the_old_keys_folder_into_the_database_and_earlier_sessions_stay_valid()
    {
        // What an earlier version did by default: the keys in {DataDir}/keys.
        CookieCollection cookies;
        string csrf;
        await using (var old = await TestApp.StartAsync(new() { ["Identity:KeysPath"] = Path.Combine(_dataDir, "keys") }, dataDir: _dataDir))
        {
            using var web = new WebSession(old);
            Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", AdminPassword)).StatusCode);
            (csrf, _) = await web.CsrfAsync();
            cookies = web.Cookies.GetAllCookies();
        }
        var files = Directory.GetFiles(Path.Combine(_dataDir, "keys"), "*.xml");
        Assert.NotEmpty(files);

        await using var upgraded = await TestApp.StartAsync(dataDir: _dataDir);
        var rows = await upgraded.Services.GetRequiredService<IDataProtectionKeyStore>().GetAllAsync(CancellationToken.None);
        Assert.Equal(files.Length, rows.Count);
        await AssertSignedInAndCanWriteAsync(upgraded, cookies, csrf);
    }

    private static async Task AssertSignedInAndCanWriteAsync(TestApp app, CookieCollection cookies, string csrf)
    {
        using var web = new WebSession(app);
        web.Cookies.Add(cookies);
        var me = await web.Http.GetAsync("/api/v1/me");
        Assert.True(me.StatusCode == HttpStatusCode.OK, await me.Content.ReadAsStringAsync());
        Assert.Equal("admin", (await Json.ReadAsync(me)).GetProperty("user").GetProperty("login").GetString());

        // The antiforgery token issued before the restart, with its cookie: a cookie-authenticated write goes through.
        using var create = new HttpRequestMessage(HttpMethod.Put, "/api/v1/me/tokens") { Content = System.Net.Http.Json.JsonContent.Create(new { name = "after-restart" }) };
        create.Headers.Add("X-CSRF-TOKEN", csrf);
        var created = await web.Http.SendAsync(create);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
