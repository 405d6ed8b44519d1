using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Core.Options;
using GhostCrate.Core.Organizations;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

using static GhostCrate.Web.Tests.Support.MailTestUsers;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// Following crates and organizations (issue 21 item 5) through the JSON API, with the emails delivered by a real SMTP
/// server (maildev from npm): followers hear of releases, yanks, deletions; an organization's followers of its crates;
/// owners who follow their own crate are mailed once; a follower who loses read access or turns the topic off hears
/// nothing more (auth-required mode, so that restricted crates are hidden); a crate's deletion ends its follows.
/// </summary>
public sealed class FollowEmailTests
{
    private const string PublicUrl = "https://crates.example.test";

    private static Dictionary<string, string?> Settings(MailDev mail)
    {
        var settings = mail.Settings(PublicUrl);
        settings["Registry:AuthRequired"] = "true";
        return settings;
    }

    /// <summary>A user with an address and token (MailTestUsers), and the principal the service calls take.</summary>
    private static async Task<(string Token, string Email, Principal Principal)> FollowerAsync(TestApp app, string name)
    {
        var (token, email) = await UserWithEmailAsync(app, name);
        var user = await app.Services.GetRequiredService<IUserRepository>().FindByNameAsync(name, CancellationToken.None);
        return (token, email, Principal.ForSession(user!));
    }

    private static async Task OkAsync(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await call;
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task PublishAsync(TestApp app, string name, string version) =>
        await OkAsync(app.PublishAsync(CrateFileBuilder.Valid(name, version).PublishBody()));

    [Fact]
    public async Task Followers_of_a_crate_and_of_an_organization_are_mailed_once_and_stop_when_they_lose_access_or_opt_out()
    {
        var mail = MailDev.Shared();
        await using var app = await TestApp.StartAsync(Settings(mail));
        var admin = app.Client(TestApp.AdminToken);
        var (olgaToken, olga, olgaPrincipal) = await FollowerAsync(app, "olga");
        var (fredToken, fred, _) = await FollowerAsync(app, "fred");
        var (ginaToken, gina, _) = await FollowerAsync(app, "gina");

        await PublishAsync(app, "follow-me", "1.0.0");
        await PublishAsync(app, "acme-tool", "1.0.0");
        await OkAsync(admin.PutAsJsonAsync("/api/v1/crates/follow-me/owners", new { users = new[] { "olga" } }));
        var orgs = app.Services.GetRequiredService<OrganizationService>();
        Assert.True((await orgs.CreateAsync(olgaPrincipal, "acme", default)).IsSuccess);
        await OkAsync(admin.PutAsJsonAsync("/api/v1/crates/acme-tool/owners", new { users = new[] { "org:acme" } }));
        await WaitForIdleQueueAsync(app);

        var fredClient = app.Client(fredToken);
        var ginaClient = app.Client(ginaToken);
        await OkAsync(fredClient.PutAsync("/api/v1/me/following/crates/Follow_Me", null));
        await OkAsync(fredClient.PutAsync("/api/v1/me/following/crates/follow-me", null)); // twice is harmless
        await OkAsync(app.Client(olgaToken).PutAsync("/api/v1/me/following/crates/follow-me", null)); // an owner following her own crate
        await OkAsync(ginaClient.PutAsync("/api/v1/me/following/orgs/acme", null));
        var list = await Json.ReadAsync(await fredClient.GetAsync("/api/v1/me/following"));
        Assert.Equal(["follow-me"], list.GetProperty("crates").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["acme"], (await Json.ReadAsync(await ginaClient.GetAsync("/api/v1/me/following"))).GetProperty("orgs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));

        // A release and a yank reach the follower; the owner who also follows gets one email, as owner.
        await PublishAsync(app, "follow-me", "1.1.0");
        await OkAsync(admin.DeleteAsync("/api/v1/crates/follow-me/1.1.0/yank"));
        var published = await mail.WaitForSubjectAsync(fred, "follow-me 1.1.0 was published");
        Assert.Contains("because you follow follow-me", published.TextBody, StringComparison.Ordinal);
        Assert.Contains("/unsubscribe?token=", published.Headers["List-Unsubscribe"] ?? "", StringComparison.Ordinal);
        await mail.WaitForSubjectAsync(fred, "follow-me 1.1.0 was yanked");
        // The organization's follower hears of its crate's release.
        await PublishAsync(app, "acme-tool", "1.0.1");
        await mail.WaitForSubjectAsync(gina, "acme-tool 1.0.1 was published");

        // gina is no member of acme: once the crate is restricted she may not read it, and hears nothing more.
        Assert.True((await app.Services.GetRequiredService<OwnerService>().SetRestrictedAsync("acme-tool", true, olgaPrincipal, default)).IsSuccess);
        await PublishAsync(app, "acme-tool", "1.0.2");
        // Nor can she follow it by name, which answers as for a crate that does not exist.
        var hidden = await ginaClient.PutAsync("/api/v1/me/following/crates/acme-tool", null);
        var missing = await ginaClient.PutAsync("/api/v1/me/following/crates/no-such-crate", null);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (hidden.StatusCode, missing.StatusCode));
        Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType?.MediaType);

        // fred turns releases of followed crates off; a deletion still reaches him.
        await OkAsync(fredClient.PutAsJsonAsync("/api/v1/me/notifications", new { topics = new Dictionary<string, bool> { ["followed.crate.published"] = false } }));
        await PublishAsync(app, "follow-me", "1.2.0");
        await OkAsync(admin.DeleteAsync("/api/v1/crates/follow-me/1.0.0"), HttpStatusCode.NoContent);
        var deleted = await mail.WaitForSubjectAsync(fred, "follow-me 1.0.0 was deleted");
        Assert.Contains("deleted version 1.0.0 of follow-me", deleted.TextBody, StringComparison.Ordinal);
        await WaitForIdleQueueAsync(app);

        Assert.Equal(
            ["follow-me 1.0.0 was deleted", "follow-me 1.1.0 was published", "follow-me 1.1.0 was yanked"],
            (await mail.MessagesToAsync(fred)).Select(m => m.Subject ?? "").Where(s => s.StartsWith("follow-me", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(["acme-tool 1.0.1 was published"],
            (await mail.MessagesToAsync(gina)).Select(m => m.Subject ?? "").Where(s => s.StartsWith("acme-tool", StringComparison.Ordinal)));
        var olgas = (await mail.MessagesToAsync(olga)).Select(m => m.Subject).ToList();
        Assert.Single(olgas, s => s == "follow-me 1.1.0 was published");
        Assert.Single(olgas, s => s == "follow-me 1.1.0 was yanked");

        // Unfollowing ends it; the audit log has each change.
        await OkAsync(fredClient.DeleteAsync("/api/v1/me/following/crates/follow-me"));
        Assert.Empty((await Json.ReadAsync(await fredClient.GetAsync("/api/v1/me/following"))).GetProperty("crates").EnumerateArray());
        var added = await admin.GetStringAsync("/api/v1/admin/audit?action=follow.added");
        Assert.Contains("crate:follow-me", added, StringComparison.Ordinal);
        Assert.Contains("org:acme", added, StringComparison.Ordinal);
        Assert.Contains("crate:follow-me", await admin.GetStringAsync("/api/v1/admin/audit?action=follow.removed"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_crate_tells_its_followers_once_ends_their_follows_and_nothing_more_is_sent_for_them()
    {
        var mail = MailDev.Shared();
        // Without auth-required everyone may learn of a deletion (CrateAccess.CanSeeDeleted), so a plain follower is told.
        // The test runs the queue itself, so that a follower's mail can still be unsent when the crate goes.
        var settings = mail.Settings(PublicUrl);
        settings["Jobs:Enabled"] = "false";
        // A send that fails for a moment (the shared SMTP server is busy) is due again soon (RunJobsUntilAsync).
        settings["Jobs:BaseBackoff"] = "00:00:01";
        settings["Jobs:MaxBackoff"] = "00:00:01";
        await using var app = await TestApp.StartAsync(settings);
        var runner = app.Services.GetRequiredService<JobRunner>();
        var fanOutOnly = new JobRunner(app.Services.GetRequiredService<IJobRepository>(), [app.Services.GetRequiredService<EventFanOutHandler>()],
            app.Services.GetRequiredService<IOptions<JobOptions>>(), TimeProvider.System, NullLogger<JobRunner>.Instance);
        var admin = app.Client(TestApp.AdminToken);
        var (fredToken, fred) = await UserWithEmailAsync(app, "fred");
        var fredClient = app.Client(fredToken);
        await PublishAsync(app, "leaving", "1.0.0");
        await RunDueJobsAsync(runner);
        await OkAsync(fredClient.PutAsync("/api/v1/me/following/crates/leaving", null));

        // 1.1.0's event is fanned out, so fred's mail about it waits in the queue when the whole crate is deleted.
        await PublishAsync(app, "leaving", "1.1.0");
        await RunDueJobsAsync(fanOutOnly);
        await OkAsync(admin.DeleteAsync("/api/v1/crates/leaving?message=superseded"), HttpStatusCode.NoContent);
        Assert.Empty((await Json.ReadAsync(await fredClient.GetAsync("/api/v1/me/following"))).GetProperty("crates").EnumerateArray());
        await RunJobsUntilAsync(runner, async () => (await mail.MessagesToAsync(fred)).Any(m => m.Subject == "leaving was deleted"), "the deletion email arrives");
        var deleted = await mail.WaitForSubjectAsync(fred, "leaving was deleted");
        Assert.Contains("because you follow leaving", deleted.TextBody, StringComparison.Ordinal);

        // The name published again (an administrator may) is nobody's follow: fred hears nothing of it.
        await PublishAsync(app, "leaving", "2.0.0");
        await RunDueJobsAsync(runner);
        Assert.Empty((await Json.ReadAsync(await fredClient.GetAsync("/api/v1/me/following"))).GetProperty("crates").EnumerateArray());
        // A mail sent after everything above, so that all earlier ones have arrived when it has.
        Assert.True((await app.Services.GetRequiredService<UserService>().CreateTokenAsync("fred", "marker", null, TokenScopes.Unrestricted, default)).IsSuccess);
        await RunJobsUntilAsync(runner, async () => (await mail.MessagesToAsync(fred)).Any(m => m.Subject == "A new API token \"marker\" was created"), "the marker email arrives");
        Assert.Equal(["leaving was deleted"],
            (await mail.MessagesToAsync(fred)).Select(m => m.Subject ?? "").Where(s => s.StartsWith("leaving", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Following_needs_an_account_caller_and_an_existing_target()
    {
        var mail = MailDev.Shared();
        await using var app = await TestApp.StartAsync(Settings(mail));
        await PublishAsync(app, "follow-api", "1.0.0");
        var users = app.Services.GetRequiredService<UserService>();
        Assert.True((await users.CreateUserAsync("sam", null, isAdmin: false, default)).IsSuccess);
        var scoped = (await users.CreateTokenAsync("sam", "narrow", null, new TokenScopes([TokenScopes.PublishNew], null), default)).Value!.Secret;

        await OkAsync(app.Client(scoped).PutAsync("/api/v1/me/following/crates/follow-api", null), HttpStatusCode.Forbidden);
        await OkAsync(app.Client().GetAsync("/api/v1/me/following"), HttpStatusCode.Unauthorized);
        await OkAsync(app.Client(TestApp.AdminToken).PutAsync("/api/v1/me/following/orgs/nobody", null), HttpStatusCode.NotFound);
        await OkAsync(app.Client(TestApp.AdminToken).PutAsync("/api/v1/me/following/crates/bad%20name", null), HttpStatusCode.NotFound);
        await OkAsync(app.Client(TestApp.AdminToken).PutAsync("/api/v1/me/following/crates/follow-api", null));
    }
}
