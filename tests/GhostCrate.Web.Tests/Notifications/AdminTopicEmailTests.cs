using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Core.MirrorJobs;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

using static GhostCrate.Web.Tests.Support.MailTestUsers;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// The administrators' topics for events they must act on, delivered through a real SMTP server (maildev from npm):
/// version.held (with the link to /admin/held), crate.typosquat_suspected and mirror.sync_failed, each on by default
/// for administrators, never offered to (or sent to) anyone else, and each turned off by its own choice.
/// </summary>
public sealed class AdminTopicEmailTests
{
    private const string PublicUrl = "https://crates.example.test";

    private static async Task FailMirrorRunAsync(TestApp app, string error)
    {
        var runs = app.Services.GetRequiredService<IMirrorRunRepository>();
        var now = DateTimeOffset.UtcNow;
        var run = (await runs.QueueAsync("sync", "/srv/mirror", null, "admin", id => new Core.Jobs.NewJob("mirror.run.test", $"{{\"run\":{id}}}", DedupKey: $"test-{id}", RunAt: now.AddYears(1)), now, default))!;
        Assert.True(await runs.StartAsync(run.Id, "test-node", now, default));
        Assert.True(await runs.FinishAsync(run.Id, new MirrorRunResult("failed", "3 files failed", null, error, null, new MirrorRunProgress("download", 7, 10, 1024, 0, 3)), now, default));
    }

    [Fact]
    public async Task Held_versions_typosquats_and_failed_mirror_runs_are_mailed_to_administrators_only_and_can_be_turned_off()
    {
        var mail = MailDev.Shared();
        var settings = mail.Settings(PublicUrl);
        settings["Publishing:HoldTyposquats"] = "true";
        await using var app = await TestApp.StartAsync(settings);
        var admin = await AdminEmailAsync(app);
        var (olgaToken, olga) = await UserWithEmailAsync(app, "olga");
        var (malloryToken, mallory) = await UserWithEmailAsync(app, "mallory");

        // On by default for administrators; not offered to anyone else.
        var adminTopics = (await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/me/notifications"))).GetProperty("topics").EnumerateArray()
            .ToDictionary(t => t.GetProperty("topic").GetString()!, t => t.GetProperty("enabled").GetBoolean());
        Assert.True(adminTopics["version.held"] && adminTopics["mirror.sync_failed"] && adminTopics["crate.typosquat_suspected"]);
        var olgaTopics = (await Json.ReadAsync(await app.Client(olgaToken).GetAsync("/api/v1/me/notifications"))).GetProperty("topics").EnumerateArray()
            .Select(t => t.GetProperty("topic").GetString()).ToList();
        Assert.DoesNotContain("version.held", olgaTopics);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client(olgaToken).PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["mirror.sync_failed"] = true } })).StatusCode);

        // A typosquat, held: both emails reach the administrator, with the link to the approval queue.
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("acme_billing", "1.0.0").PublishBody(), olgaToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await app.PublishAsync(CrateFileBuilder.Valid("acme-bililng", "1.0.0").PublishBody(), malloryToken)).StatusCode);
        var held = await mail.WaitForSubjectAsync(admin, "acme-bililng 1.0.0 waits for your approval");
        Assert.Contains("mallory published the first version 1.0.0 of acme-bililng", held.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{PublicUrl}/admin/held", held.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{PublicUrl}/admin/held\"", held.HtmlBody, StringComparison.Ordinal);
        var typosquat = await mail.WaitForSubjectAsync(admin, "acme-bililng looks like acme_billing");
        Assert.Contains("acme_billing (swapped)", typosquat.TextBody, StringComparison.Ordinal);

        // A failed mirror run (the run's record writes the event, as the server's mirror job does; its own job is never due here).
        await FailMirrorRunAsync(app, "disk full");
        var failed = await mail.WaitForSubjectAsync(admin, "Mirror sync of /srv/mirror FAILED");
        Assert.Contains("Reason: disk full", failed.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{PublicUrl}/admin/mirror", failed.TextBody, StringComparison.Ordinal);

        // Turned off, they stop; nobody else ever got them.
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).PutAsJsonAsync("/api/v1/me/notifications",
            new { topics = new Dictionary<string, bool> { ["version.held"] = false, ["mirror.sync_failed"] = false, ["crate.typosquat_suspected"] = false } })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await app.PublishAsync(CrateFileBuilder.Valid("acme-billign", "1.0.0").PublishBody(), malloryToken)).StatusCode);
        await FailMirrorRunAsync(app, "disk still full");
        await WaitForIdleQueueAsync(app);
        Assert.Equal(3, (await mail.MessagesToAsync(admin)).Count(m => m.Subject?.Contains("acme-bil", StringComparison.Ordinal) == true || m.Subject?.StartsWith("Mirror", StringComparison.Ordinal) == true));
        Assert.All(await mail.MessagesToAsync(olga), m => Assert.DoesNotContain("acme-bili", m.Subject ?? "", StringComparison.Ordinal));
        Assert.All(await mail.MessagesToAsync(mallory), m => Assert.DoesNotContain("approval", m.Subject ?? "", StringComparison.Ordinal));
    }
}
