using System.Net;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Deletion;

/// <summary>`DELETE /api/v1/crates/{name}` and `/{name}/{version}`: crates.io's rules, tombstones, and what disappears.</summary>
public class DeletionApiTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static async Task PublishOkAsync(TestApp app, string name, string version, string token = TestApp.AdminToken, object[]? deps = null)
    {
        var response = await app.PublishAsync(CrateFileBuilder.Valid(name, version).PublishBody(deps), token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_owner_deletes_a_fresh_version_which_then_is_gone_everywhere_and_can_never_be_published_again()
    {
        await using var app = await TestApp.StartAsync();
        var alice = await Users.CreateWithTokenAsync(app, "alice");
        await PublishOkAsync(app, "doomed", "1.0.0", alice);
        await PublishOkAsync(app, "doomed", "1.1.0", alice);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/api/v1/crates/doomed/1.1.0/download")).StatusCode);
        var owner = app.Client(alice);

        var deleted = await owner.DeleteAsync("/api/v1/crates/doomed/1.1.0?message=published%20by%20mistake");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/api/v1/crates/doomed/1.1.0/download")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/api/v1/crates/doomed/1.1.0")).StatusCode);
        var index = await app.Client().GetStringAsync("/index/do/om/doomed");
        Assert.DoesNotContain("1.1.0", index);
        Assert.Contains("1.0.0", index);
        var crate = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/doomed"));
        Assert.Equal("1.0.0", crate.GetProperty("crate").GetProperty("max_version").GetString());
        await Eventually.TrueAsync(() => !app.BlobFiles().Any(f => f.EndsWith("doomed-1.1.0.crate", StringComparison.Ordinal)), "the deleted version's .crate file is removed by its job");
        Assert.Contains(app.BlobFiles(), f => f.EndsWith("doomed-1.0.0.crate", StringComparison.Ordinal));

        var again = await app.PublishAsync(CrateFileBuilder.Valid("doomed", "1.1.0").PublishBody(), alice);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var detail = await Json.ErrorDetailAsync(again);
        Assert.Contains("doomed@1.1.0` was deleted", detail);
        Assert.Contains("by alice (published by mistake)", detail);
        Assert.Contains("can never be published again", detail);

        var audit = await app.Client(TestApp.AdminToken).GetStringAsync("/api/v1/admin/audit?action=crate.deleted");
        Assert.Contains("crate:doomed@1.1.0", audit);
        Assert.Contains("published by mistake", audit);
    }

    [Fact]
    public async Task Owners_are_held_to_crates_io_rules_after_72_hours_and_administrators_are_not()
    {
        var clock = new ManualClock(Start);
        await using var app = await TestApp.StartAsync(overrideServices: s => s.AddSingleton<TimeProvider>(clock));
        var alice = await Users.CreateWithTokenAsync(app, "alice");
        var bob = await Users.CreateWithTokenAsync(app, "bob");
        await PublishOkAsync(app, "shared", "1.0.0", alice);
        var owner = app.Client(alice);
        Assert.Equal(HttpStatusCode.OK, (await owner.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/crates/shared/owners") { Content = System.Net.Http.Json.JsonContent.Create(new { users = new[] { "bob" } }) })).StatusCode);
        // bob was invited (docs/permissions.md "Owner invitations"); accepting makes him the second owner.
        Assert.Equal(HttpStatusCode.OK, (await app.Client(bob).PutAsync("/api/v1/me/crate_owner_invitations/shared", System.Net.Http.Json.JsonContent.Create(new { crate_owner_invite = new { accepted = true } }))).StatusCode);
        clock.Advance(TimeSpan.FromHours(73));

        var refused = await owner.DeleteAsync("/api/v1/crates/shared");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("single owner can be deleted after 72 hours", await Json.ErrorDetailAsync(refused));
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/api/v1/crates/shared/1.0.0/download")).StatusCode);

        var stranger = app.Client(await Users.CreateWithTokenAsync(app, "stranger"));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.DeleteAsync("/api/v1/crates/shared")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync("/api/v1/crates/shared/9.9.9")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync("/api/v1/crates/never-was")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/shared")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/api/v1/crates/shared")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/index/sh/ar/shared")).StatusCode);

        // The name stays with its former owners: a stranger may not take it, bob (a former owner) may.
        var taken = await app.PublishAsync(CrateFileBuilder.Valid("shared", "2.0.0").PublishBody(), (await Users.CreateWithTokenAsync(app, "mallory")));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains("only its former owners or an administrator", await Json.ErrorDetailAsync(taken));
    }

    [Fact]
    public async Task A_crate_another_crate_depends_on_cannot_be_deleted_by_its_owner_even_when_fresh()
    {
        await using var app = await TestApp.StartAsync();
        var alice = await Users.CreateWithTokenAsync(app, "alice");
        await PublishOkAsync(app, "base-lib", "1.0.0", alice);
        await PublishOkAsync(app, "base-lib", "2.0.0", alice);
        await PublishOkAsync(app, "user-app", "0.1.0", TestApp.AdminToken, [CrateFileBuilder.Dependency("base-lib", "^1.0")]);
        var owner = app.Client(alice);

        var refused = await owner.DeleteAsync("/api/v1/crates/base-lib");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("user-app@0.1.0 depends on", await Json.ErrorDetailAsync(refused));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await owner.DeleteAsync("/api/v1/crates/base-lib/1.0.0")).StatusCode);

        // 2.0.0 does not satisfy `^1.0`: nobody depends on that version.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync("/api/v1/crates/base-lib/2.0.0")).StatusCode);
    }
}
