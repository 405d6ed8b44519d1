using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Audit;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Policy;

/// <summary>
/// Blocking downloads by advisory severity on a real server (docs/security.md#policy): the registry's setting, an
/// organization's policy, the allow-list with its expiry, and what never blocks (informational, withdrawn, patched).
/// </summary>
public class DownloadPolicyTests
{
    internal static string AdvisoryText(string id, string package, string patched, string extra = "") => $"""
        ```toml
        [advisory]
        id = "{id}"
        package = "{package}"
        date = "2021-01-08"
        {extra}

        [versions]
        patched = [{patched}]
        ```

        # Title of {id}

        Description of {id}.
        """;

    /// <summary>Critical (CVSS 9.8), like the real RUSTSEC-2021-0003.</summary>
    internal static readonly AdvisoryFile Critical = new("crates/smallvec/RUSTSEC-2021-0003.md",
        AdvisoryText("RUSTSEC-2021-0003", "smallvec", "\">= 0.6.14, < 1.0.0\", \">= 1.6.1\"",
            "cvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"\naliases = [\"CVE-2021-25900\"]"));

    /// <summary>No CVSS vector: counts as Policy:UnscoredAs.</summary>
    internal static readonly AdvisoryFile Unscored = new("crates/unscored/RUSTSEC-2020-0100.md", AdvisoryText("RUSTSEC-2020-0100", "unscored", "\">= 2.0.0\""));
    internal static readonly AdvisoryFile Informational = new("crates/oldie/RUSTSEC-2020-0101.md", AdvisoryText("RUSTSEC-2020-0101", "oldie", "", "informational = \"unmaintained\""));
    internal static readonly AdvisoryFile Withdrawn = new("crates/oldie/RUSTSEC-2020-0102.md",
        AdvisoryText("RUSTSEC-2020-0102", "oldie", "\">= 9.0.0\"", "withdrawn = \"2020-02-02\"\ncvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\""));

    internal static async Task SyncAsync(TestApp app, params AdvisoryFile[] files)
    {
        var report = await app.Services.GetRequiredService<AdvisoryService>().SyncAsync(files, AdvisoryLimits.Default, CancellationToken.None);
        Assert.Empty(report.Rejected);
        // The sync ran beside the server, like `ghostcrate advisories sync`; the server's policy snapshot, loaded at
        // start, learns of it from the change feed's next poll. Refresh it now, as a write through the node does, so
        // the next download sees the advisories without racing that poll.
        await app.Services.GetRequiredService<Core.Policy.DownloadPolicy>().RefreshAsync(CancellationToken.None);
    }

    private static async Task PublishAsync(TestApp app, string name, string version)
    {
        var response = await app.PublishAsync(CrateFileBuilder.Valid(name, version).PublishBody());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> DownloadAsync(TestApp app, string name, string version) =>
        app.Client().GetAsync($"/api/v1/crates/{name}/{version}/download");

    private static async Task AssertRefusedAsync(HttpResponseMessage response, params string[] mentions)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"expected 403, got {(int)response.StatusCode} {body}");
        var detail = await Json.ErrorDetailAsync(response);
        foreach (var m in mentions) Assert.Contains(m, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_by_default_an_affected_version_downloads()
    {
        await using var app = await TestApp.StartAsync();
        await SyncAsync(app, Critical);
        await PublishAsync(app, "smallvec", "1.6.0");
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(app, "smallvec", "1.6.0")).StatusCode);
    }

    [Fact]
    public async Task The_registry_setting_refuses_an_affected_version_naming_the_advisory_and_the_fix_and_serves_the_patched_one()
    {
        await using var app = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "High" });
        await SyncAsync(app, Critical);
        await PublishAsync(app, "smallvec", "1.6.0");
        await PublishAsync(app, "smallvec", "1.6.1");

        // The file store's fast path hands the refused version to the endpoint, which answers in Cargo's envelope.
        await AssertRefusedAsync(await DownloadAsync(app, "smallvec", "1.6.0"), "RUSTSEC-2021-0003", "critical", ">= 1.6.1", "smallvec@1.6.0");
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(app, "smallvec", "1.6.1")).StatusCode);
        // The version stays in the index: cargo resolves it and then prints the refusal (docs/security.md#policy).
        var index = await app.Client().GetStringAsync("/index/sm/al/smallvec");
        Assert.Contains("\"vers\":\"1.6.0\"", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_threshold_above_the_advisory_lets_it_through_and_unscored_advisories_count_as_the_setting_says()
    {
        await using (var high = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "Critical" }))
        {
            await SyncAsync(high, Critical, Unscored);
            await PublishAsync(high, "unscored", "1.0.0");
            // Unscored counts as critical by default: blocked at the highest threshold.
            await AssertRefusedAsync(await DownloadAsync(high, "unscored", "1.0.0"), "RUSTSEC-2020-0100", "no CVSS score, counted as critical");
        }
        await using var lenient = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "High", ["Policy:UnscoredAs"] = "Low" });
        await SyncAsync(lenient, Critical, Unscored);
        await PublishAsync(lenient, "unscored", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(lenient, "unscored", "1.0.0")).StatusCode);
    }

    [Fact]
    public async Task Informational_and_withdrawn_advisories_never_block()
    {
        await using var app = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "None" });
        await SyncAsync(app, Informational, Withdrawn);
        await PublishAsync(app, "oldie", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(app, "oldie", "1.0.0")).StatusCode);
    }

    [Fact]
    public async Task An_allowed_advisory_lets_the_version_through_until_the_entry_expires()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "High" }, s => s.AddSingleton<TimeProvider>(clock));
        await SyncAsync(app, Critical);
        await PublishAsync(app, "smallvec", "1.6.0");
        await AssertRefusedAsync(await DownloadAsync(app, "smallvec", "1.6.0"), "RUSTSEC-2021-0003");

        var admin = app.Client(TestApp.AdminToken);
        var allowed = await admin.PutAsJsonAsync("/api/v1/admin/advisories/allowed/RUSTSEC-2021-0003", new { reason = "not reachable (SEC-12)", until = "2026-12-07" });
        Assert.True(allowed.IsSuccessStatusCode, await allowed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(app, "smallvec", "1.6.0")).StatusCode);

        var list = await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/advisories/allowed"));
        var entry = Assert.Single(list.GetProperty("allowed").EnumerateArray());
        Assert.Equal(("RUSTSEC-2021-0003", "2026-12-07", true), (entry.GetProperty("advisory_id").GetString(), entry.GetProperty("until").GetString(), entry.GetProperty("active").GetBoolean()));

        // The last day still counts; the next midnight (UTC) ends it, with no write to the database.
        clock.Advance(TimeSpan.FromHours(35.9));
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(app, "smallvec", "1.6.0")).StatusCode);
        clock.Advance(TimeSpan.FromHours(0.2));
        await AssertRefusedAsync(await DownloadAsync(app, "smallvec", "1.6.0"), "RUSTSEC-2021-0003");

        var events = await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: AuditActions.AdvisoryAllowed), CancellationToken.None);
        var recorded = Assert.Single(events);
        Assert.Equal(("RUSTSEC-2021-0003", "admin"), (recorded.Target, recorded.ActorName));
    }

    [Fact]
    public async Task An_allow_list_entry_may_name_an_alias_and_removing_it_blocks_again()
    {
        await using var app = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "Low" });
        await SyncAsync(app, Critical);
        await PublishAsync(app, "smallvec", "1.6.0");
        var admin = app.Client(TestApp.AdminToken);
        Assert.True((await admin.PutAsJsonAsync("/api/v1/admin/advisories/allowed/CVE-2021-25900", new { reason = "accepted", until = "2999-01-01" })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(app, "smallvec", "1.6.0")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/v1/admin/advisories/allowed/CVE-2021-25900")).StatusCode);
        await AssertRefusedAsync(await DownloadAsync(app, "smallvec", "1.6.0"), "RUSTSEC-2021-0003");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v1/admin/advisories/allowed/CVE-2021-25900")).StatusCode);
    }

    [Theory]
    [InlineData("""{"reason":"x","until":"2020-01-01"}""", "in the past")]
    [InlineData("""{"reason":"","until":"2999-01-01"}""", "give a reason")]
    [InlineData("""{"reason":"x","until":"tomorrow"}""", "YYYY-MM-DD")]
    [InlineData("""not json""", "YYYY-MM-DD")]
    public async Task A_bad_allow_list_entry_is_refused_with_a_problem_and_stores_nothing(string body, string mention)
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.Client(TestApp.AdminToken);
        var response = await admin.PutAsync("/api/v1/admin/advisories/allowed/RUSTSEC-2021-0003", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mention, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var list = await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/advisories/allowed"));
        Assert.Empty(list.GetProperty("allowed").EnumerateArray());
    }

    [Fact]
    public async Task An_organization_policy_blocks_the_crates_it_owns_and_only_those()
    {
        await using var app = await TestApp.StartAsync();
        await SyncAsync(app, Critical, Unscored);
        await PublishAsync(app, "smallvec", "1.6.0");
        await PublishAsync(app, "unscored", "1.0.0");
        var admin = app.Client(TestApp.AdminToken);
        Assert.True((await admin.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" })).IsSuccessStatusCode);
        Assert.True((await admin.PutAsJsonAsync("/api/v1/crates/smallvec/owners", new { users = new[] { "org:acme" } })).IsSuccessStatusCode);

        var none = await Json.ReadAsync(await admin.GetAsync("/api/v1/orgs/acme/policy"));
        Assert.Equal("off", none.GetProperty("block_severity").GetString());
        var set = await admin.PutAsJsonAsync("/api/v1/orgs/acme/policy", new { block_severity = "critical" });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        Assert.Equal("critical", (await Json.ReadAsync(set)).GetProperty("block_severity").GetString());

        await AssertRefusedAsync(await DownloadAsync(app, "smallvec", "1.6.0"), "RUSTSEC-2021-0003", "organization `acme`");
        // Not owned by acme: the registry has no policy, so it downloads.
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(app, "unscored", "1.0.0")).StatusCode);

        // Ownership is part of the verdict: once acme owns `unscored` too, its policy applies to it.
        Assert.True((await admin.PutAsJsonAsync("/api/v1/crates/unscored/owners", new { users = new[] { "org:acme" } })).IsSuccessStatusCode);
        await AssertRefusedAsync(await DownloadAsync(app, "unscored", "1.0.0"), "RUSTSEC-2020-0100");

        Assert.True((await admin.PutAsJsonAsync("/api/v1/orgs/acme/policy", new { block_severity = "off" })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(app, "smallvec", "1.6.0")).StatusCode);

        var bad = await admin.PutAsJsonAsync("/api/v1/orgs/acme/policy", new { block_severity = "severe" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var audit = app.Services.GetRequiredService<AuditLog>();
        Assert.Single(await audit.QueryAsync(new AuditQuery(Action: AuditActions.OrgPolicySet), CancellationToken.None));
        Assert.Single(await audit.QueryAsync(new AuditQuery(Action: AuditActions.OrgPolicyRemoved), CancellationToken.None));
    }

    [Fact]
    public async Task The_admin_advisories_page_lists_the_settings_and_the_allow_list_and_is_for_administrators_only()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "Medium" }, s => s.AddSingleton<TimeProvider>(clock));
        var admin = app.Client(TestApp.AdminToken);
        Assert.True((await admin.PutAsJsonAsync("/api/v1/admin/advisories/allowed/RUSTSEC-2021-0003", new { reason = "accepted <risk>", until = "2026-12-10" })).IsSuccessStatusCode);
        clock.Advance(TimeSpan.FromDays(10));

        await Users.CreateWithTokenAsync(app, "mallory");
        using var user = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync("mallory", "a long enough password")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/admin/advisories")).StatusCode);

        using var session = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await session.LoginAsync("admin", "correct horse battery")).StatusCode);
        var response = await session.Http.GetAsync("/admin/advisories");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Contains("advisories of severity medium and above", page.QuerySelector("#policy-settings")!.TextContent, StringComparison.Ordinal);
        var row = page.QuerySelector("#allowed-advisories tr[data-advisory='RUSTSEC-2021-0003']")!;
        Assert.Contains("accepted <risk>", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-12-10 (expired)", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_offline_mirror_version_is_refused_like_a_private_one()
    {
        var mirror = Path.Combine(Path.GetTempPath(), "gc-policy-mirror-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(mirror, "index"));
        Directory.CreateDirectory(Path.Combine(mirror, "crates", "smallvec"));
        foreach (var v in new[] { "1.6.0", "1.6.1" })
            await File.WriteAllBytesAsync(Path.Combine(mirror, "crates", "smallvec", $"smallvec-{v}.crate"), CrateFileBuilder.Valid("smallvec", v).BuildCrate());
        try
        {
            await using var app = await TestApp.StartAsync(new() { ["Mirror:Directory"] = mirror, ["Policy:BlockSeverity"] = "High" });
            await SyncAsync(app, Critical);
            await AssertRefusedAsync(await app.Client().GetAsync("/mirror/crates/smallvec/1.6.0/download"), "RUSTSEC-2021-0003", ">= 1.6.1");
            Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/mirror/crates/smallvec/1.6.1/download")).StatusCode);
        }
        finally
        {
            Directory.Delete(mirror, recursive: true);
        }
    }
}
