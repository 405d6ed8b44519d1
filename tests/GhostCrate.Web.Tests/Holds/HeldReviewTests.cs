using System.Net;
using System.Security.Cryptography;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Holds;

/// <summary>
/// Reviewing a held version before deciding (issue 20, docs/security.md "Approval hold"): administrators download its
/// .crate and read it in the source browser from /admin/held; everyone else, owners included, still gets 404. Approving
/// the newest version makes its description and search text the crate's.
/// </summary>
public sealed class HeldReviewTests
{
    private const string AdminPassword = "correct horse battery";
    private static readonly Dictionary<string, string?> HoldNative = new() { ["Publishing:RequireApprovalFor"] = "native-binary" };

    private static byte[] Flagged(string name, string version, string description)
    {
        var files = new CrateFileBuilder(name, version)
            .File($"{name}-{version}/Cargo.toml", $"[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n")
            .File($"{name}-{version}/src/lib.rs", "pub fn reviewed() -> u32 { 7 }\n")
            .Executable($"{name}-{version}/bin/helper", [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var metadata = CrateFileBuilder.Metadata(name, version, null, null);
        var json = System.Text.Json.JsonSerializer.SerializeToNode(metadata)!.AsObject();
        json["description"] = description;
        json["keywords"] = new System.Text.Json.Nodes.JsonArray("reviewable");
        return CrateFileBuilder.PublishBody(json, files.BuildCrate());
    }

    [Fact]
    public async Task Administrators_download_and_browse_a_held_version_and_nobody_else_can()
    {
        await using var app = await TestApp.StartAsync(HoldNative);
        var olga = await Users.CreateWithTokenAsync(app, "olga");
        var body = Flagged("held-tool", "1.0.0", "A tool under review");
        Assert.Equal(HttpStatusCode.Accepted, (await app.PublishAsync(body, olga)).StatusCode);

        var download = await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/held/held-tool/1.0.0/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("no-store", download.Headers.CacheControl!.ToString());
        var bytes = await download.Content.ReadAsByteArrayAsync();
        var held = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/held"));
        Assert.Equal(held.GetProperty("held")[0].GetProperty("checksum").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        foreach (var (client, who) in new[] { (app.Client(olga), "its publisher"), (app.Client(), "anonymous") })
        {
            var refused = await client.GetAsync("/api/v1/admin/held/held-tool/1.0.0/download");
            Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, $"{who}: {(int)refused.StatusCode}");
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/crates/held-tool/1.0.0/download")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/held/held-tool/9.9.9/download")).StatusCode);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", AdminPassword)).StatusCode);
        var list = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/held"));
        var sourceLink = list.QuerySelector("tr[data-held='held-tool@1.0.0'] a[data-review-source]")!.GetAttribute("href")!;
        Assert.Equal("/api/v1/admin/held/held-tool/1.0.0/download", list.QuerySelector("tr[data-held='held-tool@1.0.0'] a[data-review-download]")!.GetAttribute("href"));
        var source = await admin.Http.GetAsync(sourceLink);
        Assert.Equal(HttpStatusCode.OK, source.StatusCode);
        var root = new HtmlParser().ParseDocument(await source.Content.ReadAsStringAsync());
        Assert.NotNull(root.QuerySelector("[data-held-review]"));
        Assert.Contains("bin", root.Body!.TextContent, StringComparison.Ordinal);
        var file = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/crates/held-tool/1.0.0/source/src/lib.rs"));
        Assert.Contains("reviewed", file.Body!.TextContent, StringComparison.Ordinal);

        // Its publisher (an owner) and a visitor still find nothing there.
        using var owner = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await owner.LoginAsync("olga", "a long enough password")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync("/crates/held-tool/1.0.0/source")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/crates/held-tool/1.0.0/source/src/lib.rs")).StatusCode);
    }

    [Fact]
    public async Task Approving_the_newest_version_makes_its_description_and_search_words_the_crates()
    {
        await using var app = await TestApp.StartAsync(HoldNative);
        var olga = await Users.CreateWithTokenAsync(app, "olga");
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("widget", "1.0.0").PublishBody(), olga)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await app.PublishAsync(Flagged("widget", "1.1.0", "Widgets with frobnication"), olga)).StatusCode);
        var anonymous = app.Client();
        // Held: the crate still reads as before.
        Assert.DoesNotContain("frobnication", await anonymous.GetStringAsync("/api/v1/crates/widget"));
        Assert.DoesNotContain("\"widget\"", await anonymous.GetStringAsync("/api/v1/crates?q=frobnication"));

        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).PostAsync("/api/v1/admin/held/widget/1.1.0/approve", null)).StatusCode);

        var crate = await Json.ReadAsync(await anonymous.GetAsync("/api/v1/crates/widget"));
        Assert.Equal("Widgets with frobnication", crate.GetProperty("crate").GetProperty("description").GetString());
        var found = await Json.ReadAsync(await anonymous.GetAsync("/api/v1/crates?q=frobnication"));
        Assert.Equal("widget", Assert.Single(found.GetProperty("crates").EnumerateArray()).GetProperty("name").GetString());
        Assert.Contains("widget", await anonymous.GetStringAsync("/keywords/reviewable"));
    }

    [Fact]
    public async Task Approving_an_older_held_version_leaves_the_newer_ones_description()
    {
        await using var app = await TestApp.StartAsync(HoldNative);
        var olga = await Users.CreateWithTokenAsync(app, "olga");
        Assert.Equal(HttpStatusCode.Accepted, (await app.PublishAsync(Flagged("gadget", "0.9.0", "Old gadget text"), olga)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("gadget", "1.0.0").PublishBody(), olga)).StatusCode);
        var before = (await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/gadget"))).GetProperty("crate").GetProperty("description").GetString();

        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).PostAsync("/api/v1/admin/held/gadget/0.9.0/approve", null)).StatusCode);

        var after = (await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/gadget"))).GetProperty("crate").GetProperty("description").GetString();
        Assert.Equal(before, after);
        Assert.NotEqual("Old gadget text", after);
    }
}
