using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

using static GhostCrate.Web.Tests.Support.MailTestUsers;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// backup.failed and backup.succeeded by email, through the real SMTP server (maildev): administrators get a failed
/// backup's email by default, a successful one's only when they turn it on; other users get neither, and do not see
/// the topics.
/// </summary>
public sealed class BackupEmailTests : IDisposable
{
    private const string PublicUrl = "https://crates.example.test";
    private readonly string _root = Directory.CreateTempSubdirectory("gc-backup-mail-").FullName;

    [Fact]
    public async Task Administrators_are_mailed_a_failed_backup_and_a_succeeded_one_only_after_turning_it_on()
    {
        var mail = MailDev.Shared();
        // A file where the target directory should be: "back up now" fails until it is removed.
        var target = Path.Combine(_root, "backups");
        await File.WriteAllTextAsync(target, "in the way");
        var settings = mail.Settings(PublicUrl);
        settings["Backup:Target"] = target;
        await using var app = await TestApp.StartAsync(settings);
        var adminClient = app.Client(TestApp.AdminToken);
        // The seeded admin token's token.created email goes to whatever address the admin has when it is delivered:
        // let it be delivered (to nobody) before the admin gets an address, so only backup mail counts below.
        await WaitForIdleQueueAsync(app);
        var users = app.Services.GetRequiredService<IUserRepository>();
        var adminEmail = await AdminEmailAsync(app);
        var userEmail = $"ursula-{Guid.NewGuid():N}@example.test";
        var ursula = await app.Services.GetRequiredService<UserService>().CreateUserAsync("ursula", "a long enough password", isAdmin: false, CancellationToken.None);
        await users.SetProfileAsync(ursula.Value!.Id, userEmail, null, CancellationToken.None);
        var ursulaToken = (await app.Services.GetRequiredService<UserService>().CreateTokenAsync("ursula", "ci", null, TokenScopes.Unrestricted, CancellationToken.None)).Value!.Secret;

        Assert.Equal(HttpStatusCode.Accepted, (await adminClient.PostAsync("/api/v1/admin/backups", null)).StatusCode);
        var failed = Assert.Single(await mail.WaitForAsync(adminEmail, 1));
        Assert.Equal($"Backup to {target} FAILED", failed.Subject);
        Assert.Contains("Reason: ", failed.TextBody, StringComparison.Ordinal);
        Assert.Contains("backups", failed.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{PublicUrl}/admin/backups", failed.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PublicUrl}/admin/backups\"", failed.HtmlBody, StringComparison.Ordinal);

        // Success is off by default; the administrator turns it on.
        var topics = (await Json.ReadAsync(await adminClient.GetAsync("/api/v1/me/notifications"))).GetProperty("topics").EnumerateArray()
            .ToDictionary(t => t.GetProperty("topic").GetString()!, t => t.GetProperty("enabled").GetBoolean());
        Assert.True(topics["backup.failed"]);
        Assert.False(topics["backup.succeeded"]);
        File.Delete(target);
        await WaitForIdleQueueAsync(app);
        Assert.Equal(HttpStatusCode.Accepted, (await adminClient.PostAsync("/api/v1/admin/backups", null)).StatusCode);
        await WaitForIdleQueueAsync(app);
        Assert.Single(await mail.MessagesToAsync(adminEmail));
        Assert.Equal(HttpStatusCode.OK, (await adminClient.PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["backup.succeeded"] = true } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await adminClient.PostAsync("/api/v1/admin/backups", null)).StatusCode);
        var messages = await mail.WaitForAsync(adminEmail, 2);
        var subject = Assert.Single(messages.Select(m => m.Subject ?? ""), s => s.EndsWith($" to {target} succeeded", StringComparison.Ordinal));
        var id = subject["Backup ".Length..subject.IndexOf(" to ", StringComparison.Ordinal)];
        Assert.True(File.Exists(Path.Combine(target, id, "manifest.json")), subject);

        // Not an administrator: no backup mail, and no backup topics to choose from.
        await WaitForIdleQueueAsync(app);
        // Her own token.created email is all she gets.
        Assert.Equal(["A new API token \"ci\" was created"], (await mail.MessagesToAsync(userEmail)).Select(m => m.Subject));
        var theirs = (await Json.ReadAsync(await app.Client(ursulaToken).GetAsync("/api/v1/me/notifications"))).GetProperty("topics").EnumerateArray()
            .Select(t => t.GetProperty("topic").GetString()).ToList();
        Assert.DoesNotContain("backup.failed", theirs);
        Assert.DoesNotContain("backup.succeeded", theirs);
    }

    public void Dispose()
    {
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
