using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.ContentChecks;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Holds;

/// <summary>
/// The approval hold through the real HTTP API and pages (docs/security.md "Approval hold"): what the publisher is
/// told, what everyone else does not see, and the administrators' approve and reject.
/// </summary>
public class HoldPublishTests
{
    private static readonly Dictionary<string, string?> HoldNative = new() { ["Publishing:RequireApprovalFor"] = "native-binary" };

    private static async Task<IReadOnlyList<string>> OtherWarningsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        return [.. body.GetProperty("warnings").GetProperty("other").EnumerateArray().Select(w => w.GetString()!)];
    }

    /// <summary>
    /// A held publish answers 202 with Cargo's error envelope (so cargo stops at once, without waiting for the index)
    /// naming the hold; its warnings are the ones a 200 would carry, the hold included.
    /// </summary>
    private static async Task<IReadOnlyList<string>> HeldWarningsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray()).GetProperty("detail").GetString()!;
        Assert.Contains("is held for approval", error, StringComparison.Ordinal);
        Assert.Contains("the upload succeeded", error, StringComparison.Ordinal);
        var warnings = body.GetProperty("warnings").GetProperty("other").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Contains(error, warnings);
        return warnings;
    }

    private static async Task<IReadOnlyList<string>> HeldAsync(TestApp app) =>
        [.. (await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/held")))
            .GetProperty("held").EnumerateArray().Select(h => $"{h.GetProperty("crate").GetString()}@{h.GetProperty("version").GetString()}: {h.GetProperty("reason").GetString()}")];

    [Fact]
    public async Task A_flagged_version_is_accepted_but_invisible_until_an_administrator_approves_it()
    {
        await using var app = await TestApp.StartAsync(HoldNative);
        var olga = await Users.CreateWithTokenAsync(app, "olga");
        var anonymous = app.Client();

        var warning = Assert.Single(await HeldWarningsAsync(await app.PublishAsync(ContentFlagPublishTests.FlaggedCrateBody("held-tool", "1.0.0"), olga)));
        Assert.StartsWith("`held-tool@1.0.0` is held for approval (content flags: native-binary (bin/helper))", warning);
        Assert.Contains("until an administrator of this registry approves it", warning);
        // A plain crate is not held.
        Assert.Empty(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("plain", "1.0.0").PublishBody(), olga)));

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/index/he/ld/held-tool")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/v1/crates/held-tool/1.0.0/download")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/v1/crates/held-tool/1.0.0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/crates/held-tool")).StatusCode);
        Assert.DoesNotContain("held-tool", await anonymous.GetStringAsync("/api/v1/crates?q=held"));
        Assert.DoesNotContain("held-tool", await anonymous.GetStringAsync("/feeds/updates.atom"));

        Assert.Equal(["held-tool@1.0.0: content flags: native-binary (bin/helper)"], await HeldAsync(app));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(olga).GetAsync("/api/v1/admin/held")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(olga).PostAsync("/api/v1/admin/held/held-tool/1.0.0/approve", null)).StatusCode);

        var approved = await app.Client(TestApp.AdminToken).PostAsync("/api/v1/admin/held/held-tool/1.0.0/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("\"vers\":\"1.0.0\"", await anonymous.GetStringAsync("/index/he/ld/held-tool"));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/crates/held-tool/1.0.0/download")).StatusCode);
        Assert.Contains("held-tool", await anonymous.GetStringAsync("/api/v1/crates?q=held"));
        Assert.Empty(await HeldAsync(app));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client(TestApp.AdminToken).PostAsync("/api/v1/admin/held/held-tool/1.0.0/approve", null)).StatusCode);

        var audit = await app.Client(TestApp.AdminToken).GetStringAsync("/api/v1/admin/audit?action=version.approved");
        Assert.Contains("crate:held-tool@1.0.0", audit);
    }

    [Fact]
    public async Task A_rejected_version_and_its_file_are_removed_and_may_be_published_again()
    {
        await using var app = await TestApp.StartAsync(HoldNative);
        var olga = await Users.CreateWithTokenAsync(app, "olga");
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("widget", "1.0.0").PublishBody(), olga)).StatusCode);
        Assert.Single(await HeldWarningsAsync(await app.PublishAsync(ContentFlagPublishTests.FlaggedCrateBody("widget", "1.1.0"), olga)));
        Assert.Contains(app.BlobFiles(), f => f.Contains("widget-1.1.0", StringComparison.Ordinal));

        // The owner sees it marked held on the crate page; an anonymous visitor does not.
        using (var owner = new WebSession(app))
        {
            Assert.Equal(HttpStatusCode.OK, (await owner.LoginAsync("olga", "a long enough password")).StatusCode);
            var ownerPage = new HtmlParser().ParseDocument(await owner.Http.GetStringAsync("/crates/widget"));
            Assert.NotNull(ownerPage.QuerySelector("[data-held-versions] [data-held='1.1.0']"));
        }
        Assert.Null(new HtmlParser().ParseDocument(await app.Client().GetStringAsync("/crates/widget")).QuerySelector("[data-held-versions]"));

        var admin = app.Client(TestApp.AdminToken);
        var noReason = await admin.PostAsJsonAsync("/api/v1/admin/held/widget/1.1.0/reject", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(["widget@1.1.0: content flags: native-binary (bin/helper)"], await HeldAsync(app));

        var rejected = await Json.ReadAsync(await admin.PostAsJsonAsync("/api/v1/admin/held/widget/1.1.0/reject", new { reason = "ships a prebuilt binary" }));
        Assert.False(rejected.GetProperty("crate_removed").GetBoolean());
        Assert.DoesNotContain(app.BlobFiles(), f => f.Contains("widget-1.1.0", StringComparison.Ordinal));
        Assert.Empty(await HeldAsync(app));
        Assert.Contains("ships a prebuilt binary", await admin.GetStringAsync("/api/v1/admin/audit?action=version.rejected"));

        // The same version can come back (held again, since it is the same content).
        Assert.Single(await HeldWarningsAsync(await app.PublishAsync(ContentFlagPublishTests.FlaggedCrateBody("widget", "1.1.0"), olga)));
        Assert.Equal(["widget@1.1.0: content flags: native-binary (bin/helper)"], await HeldAsync(app));
    }

    [Fact]
    public async Task A_typosquat_is_held_when_HoldTyposquats_is_on_and_its_name_stays_reserved_for_its_publisher()
    {
        await using var app = await TestApp.StartAsync(new() { ["Publishing:HoldTyposquats"] = "true" });
        var olga = await Users.CreateWithTokenAsync(app, "olga");
        var mallory = await Users.CreateWithTokenAsync(app, "mallory");
        Assert.Empty(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("acme_billing", "1.0.0").PublishBody(), olga)));

        var warnings = await HeldWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("acme-bililng", "1.0.0").PublishBody(), mallory));
        Assert.Contains(warnings, w => w.StartsWith("`acme-bililng@1.0.0` is held for approval (name close to `acme_billing` (swapped))", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/index/ac/me/acme-bililng")).StatusCode);
        // Someone else cannot take the name while it is held.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.PublishAsync(CrateFileBuilder.Valid("acme-bililng", "2.0.0").PublishBody(), olga)).StatusCode);

        var rejected = await Json.ReadAsync(await app.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/held/acme-bililng/1.0.0/reject", new { reason = "typosquat" }));
        Assert.True(rejected.GetProperty("crate_removed").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client(TestApp.AdminToken).GetAsync("/api/v1/crates/acme-bililng")).StatusCode);
    }

    [Fact]
    public async Task The_admin_page_approves_with_antiforgery_and_redirects_and_asks_before_a_rejection()
    {
        await using var app = await TestApp.StartAsync(HoldNative);
        Assert.Single(await HeldWarningsAsync(await app.PublishAsync(ContentFlagPublishTests.FlaggedCrateBody("paged", "1.0.0"))));
        Assert.Single(await HeldWarningsAsync(await app.PublishAsync(ContentFlagPublishTests.FlaggedCrateBody("paged-two", "1.0.0"))));
        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);

        var page = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/held"));
        var form = page.QuerySelector("tr[data-held='paged@1.0.0'] form[data-approve]");
        Assert.NotNull(form);
        var field = form!.QuerySelector("input[name='__RequestVerificationToken']")!.GetAttribute("value")!;
        var fields = form.QuerySelectorAll("input[type='hidden']").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value")!)).ToList();

        var forged = await admin.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields.Where(f => f.Key != "__RequestVerificationToken")));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(2, (await HeldAsync(app)).Count);

        var posted = await admin.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/admin/held", posted.Headers.Location?.ToString());
        Assert.Equal(["paged-two@1.0.0: content flags: native-binary (bin/helper)"], await HeldAsync(app));
        Assert.False(string.IsNullOrEmpty(field));

        // Reject is a link to a confirmation with a required reason; following the link changes nothing.
        var confirm = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/held?crate=paged-two&reject=1.0.0"));
        Assert.NotNull(confirm.QuerySelector("[data-confirm-reject='paged-two@1.0.0'] form[data-reject] input[name='reason'][required]"));
        Assert.Single(await HeldAsync(app));
    }
}
