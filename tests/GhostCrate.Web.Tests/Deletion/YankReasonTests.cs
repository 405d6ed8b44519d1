using System.Net;
using System.Net.Http.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Deletion;

/// <summary>crates.io's `PATCH /api/v1/crates/{name}/{version}` (yank with a reason) next to cargo's own yank routes.</summary>
public class YankReasonTests
{
    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string path, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, path) { Content = JsonContent.Create(body) });

    [Fact]
    public async Task An_owner_yanks_with_a_reason_that_the_version_api_and_page_show_and_unyank_clears_it()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("reasoned", "1.0.0").PublishBody())).StatusCode);
        var owner = app.Client(TestApp.AdminToken);

        var yanked = await PatchAsync(owner, "/api/v1/crates/reasoned/1.0.0", new { version = new { yanked = true, yank_message = "breaks <b>aarch64</b>" } });
        Assert.Equal(HttpStatusCode.OK, yanked.StatusCode);
        var version = (await Json.ReadAsync(yanked)).GetProperty("version");
        Assert.True(version.GetProperty("yanked").GetBoolean());
        Assert.Equal("breaks <b>aarch64</b>", version.GetProperty("yank_message").GetString());
        Assert.Contains("\"yanked\":true", await app.Client().GetStringAsync("/index/re/as/reasoned"));

        var read = (await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/reasoned/1.0.0"))).GetProperty("version");
        Assert.Equal("breaks <b>aarch64</b>", read.GetProperty("yank_message").GetString());
        var page = await app.Client().GetStringAsync("/crates/reasoned/1.0.0");
        Assert.Contains("Reason: breaks &lt;b&gt;aarch64&lt;/b&gt;", page);

        // yanked: null keeps the state and changes only the reason.
        var reworded = await PatchAsync(owner, "/api/v1/crates/reasoned/1.0.0", new { version = new { yank_message = "use 1.0.1" } });
        Assert.Equal(HttpStatusCode.OK, reworded.StatusCode);
        Assert.Equal("use 1.0.1", (await Json.ReadAsync(reworded)).GetProperty("version").GetProperty("yank_message").GetString());

        var unyanked = await PatchAsync(owner, "/api/v1/crates/reasoned/1.0.0", new { version = new { yanked = false } });
        Assert.Equal(HttpStatusCode.OK, unyanked.StatusCode);
        var after = (await Json.ReadAsync(unyanked)).GetProperty("version");
        Assert.False(after.GetProperty("yanked").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("yank_message").ValueKind);
        Assert.Contains("\"yanked\":false", await app.Client().GetStringAsync("/index/re/as/reasoned"));
    }

    [Fact]
    public async Task Reasons_follow_crates_io_rules_and_strangers_are_refused_in_cargos_envelope()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("ruled", "1.0.0").PublishBody())).StatusCode);
        var owner = app.Client(TestApp.AdminToken);

        var unyankWithReason = await PatchAsync(owner, "/api/v1/crates/ruled/1.0.0", new { version = new { yanked = false, yank_message = "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, unyankWithReason.StatusCode);
        Assert.Equal("Cannot set yank message when unyanking", await Json.ErrorDetailAsync(unyankWithReason));

        var notYanked = await PatchAsync(owner, "/api/v1/crates/ruled/1.0.0", new { version = new { yank_message = "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, notYanked.StatusCode);
        Assert.Equal("Cannot update yank message for a version that is not yanked", await Json.ErrorDetailAsync(notYanked));

        var tooLong = await PatchAsync(owner, "/api/v1/crates/ruled/1.0.0", new { version = new { yanked = true, yank_message = new string('x', 501) } });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        var malformed = await owner.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/api/v1/crates/ruled/1.0.0") { Content = new StringContent("{\"version\":", System.Text.Encoding.UTF8, "application/json") });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("yank_message", await Json.ErrorDetailAsync(malformed));

        var stranger = app.Client(await Users.CreateWithTokenAsync(app, "stranger"));
        var denied = await PatchAsync(stranger, "/api/v1/crates/ruled/1.0.0", new { version = new { yanked = true, yank_message = "mine now" } });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("not an owner", await Json.ErrorDetailAsync(denied));

        var missing = await PatchAsync(owner, "/api/v1/crates/ruled/9.9.9", new { version = new { yanked = true } });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Nothing of the refused attempts stuck.
        var read = (await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/ruled/1.0.0"))).GetProperty("version");
        Assert.False(read.GetProperty("yanked").GetBoolean());

        // cargo's own route still works and clears a reason it cannot send.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(owner, "/api/v1/crates/ruled/1.0.0", new { version = new { yanked = true, yank_message = "old" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.DeleteAsync("/api/v1/crates/ruled/1.0.0/yank")).StatusCode);
        read = (await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/ruled/1.0.0"))).GetProperty("version");
        Assert.True(read.GetProperty("yanked").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.GetProperty("yank_message").ValueKind);

        var audit = await owner.GetStringAsync("/api/v1/admin/audit?action=crate.yanked");
        Assert.Contains("crate:ruled@1.0.0", audit);
    }
}
