using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Identity;

public class AdminApiTests
{
    [Fact]
    public async Task Admins_list_create_promote_disable_and_revoke_tokens_of_users()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.Client(TestApp.AdminToken);
        var bobToken = await Users.CreateWithTokenAsync(app, "bob");

        var created = await admin.PostAsJsonAsync("/api/v1/admin/users", new { username = "carol", password = "carol's password", read_only = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True((await Json.ReadAsync(created)).GetProperty("user").GetProperty("read_only").GetBoolean());

        var list = await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/users?q=o"));
        Assert.Equal(["bob", "carol"], list.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("login").GetString()));

        // Not an admin: 403 on every admin route.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(bobToken).GetAsync("/api/v1/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(bobToken).GetAsync("/api/v1/admin/audit")).StatusCode);

        // Disable: the token stops working; enable: it works again.
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync("/api/v1/admin/users/bob", new { disabled = true })).StatusCode);
        var disabled = await app.Client(bobToken).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync("/api/v1/admin/users/bob", new { disabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(bobToken).GetAsync("/api/v1/me")).StatusCode);

        // Promote: bob reaches the admin API.
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync("/api/v1/admin/users/bob", new { admin = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(bobToken).GetAsync("/api/v1/admin/users")).StatusCode);

        // An admin cannot lock themselves out.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PatchAsJsonAsync("/api/v1/admin/users/admin", new { disabled = true })).StatusCode);

        var revoke = await Json.ReadAsync(await admin.DeleteAsync("/api/v1/admin/users/bob/tokens"));
        Assert.Equal(1, revoke.GetProperty("revoked").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(bobToken).GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Password_reset_returns_a_generated_password_once()
    {
        await using var app = await TestApp.StartAsync();
        await Users.CreateWithTokenAsync(app, "dave");
        var reset = await Json.ReadAsync(await app.Client(TestApp.AdminToken).PostAsync("/api/v1/admin/users/dave/password", null));
        var password = reset.GetProperty("password").GetString()!;
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("dave", password)).StatusCode);
    }

    [Fact]
    public async Task The_audit_log_records_state_changes_with_actor_token_and_address()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("audited", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/v1/crates/audited/1.0.0/yank")).StatusCode);

        var events = (await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/audit?target=crate:audited@1.0.0"))).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["crate.yanked", "crate.published"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.All(events, e =>
        {
            Assert.Equal("admin", e.GetProperty("actor").GetString());
            Assert.Equal("127.0.0.1", e.GetProperty("address").GetString());
            Assert.True(e.GetProperty("token_id").GetInt64() > 0);
        });

        var byPrefix = (await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/audit?action=crate."))).GetProperty("events").GetArrayLength();
        Assert.Equal(2, byPrefix);
    }

    [Fact]
    public async Task A_read_only_user_may_read_in_auth_required_mode_but_never_write()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("readable", "1.0.0").PublishBody())).StatusCode);
        var reader = await Users.CreateWithTokenAsync(app, "reader");
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).PatchAsJsonAsync("/api/v1/admin/users/reader", new { read_only = true })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await app.Client(reader).GetAsync("/index/re/ad/readable")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(reader).GetAsync("/api/v1/crates/readable/1.0.0/download")).StatusCode);
        var publish = await app.PublishAsync(CrateFileBuilder.Valid("reader-crate", "1.0.0").PublishBody(), reader);
        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        Assert.Contains("read-only", await Json.ErrorDetailAsync(publish));
    }

    [Fact]
    public async Task A_read_only_token_reads_but_cannot_publish_or_yank()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("ci-read", "1.0.0").PublishBody())).StatusCode);
        var created = await app.Client(TestApp.AdminToken).PutAsJsonAsync("/api/v1/me/tokens", new { api_token = new { name = "ci", endpoint_scopes = Array.Empty<string>() } });
        var token = (await Json.ReadAsync(created)).GetProperty("api_token").GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await app.Client(token).GetAsync("/index/ci/-r/ci-read")).StatusCode);
        var yank = await app.Client(token).DeleteAsync("/api/v1/crates/ci-read/1.0.0/yank");
        Assert.Equal(HttpStatusCode.Forbidden, yank.StatusCode);
        Assert.Contains("read-only", await Json.ErrorDetailAsync(yank));
    }
}
