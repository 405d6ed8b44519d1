using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using GhostCrate.Cli;
using GhostCrate.Core.Advisories;
using GhostCrate.Web.Tests.Policy;
using GhostCrate.Web.Tests.Sbom;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Advisories;

/// <summary>
/// An advisory whose only score is a CVSS v4.0 vector is scored everywhere a v3 score is used: the version API and the
/// advisory list, the crate page, the administrators' list (ordered by severity), the download policy's thresholds,
/// the CycloneDX ratings and `ghostcrate audit`. Before, such an advisory had severity `unknown`.
/// </summary>
public class Cvss4AdvisoryTests
{
    /// <summary>RUSTSEC-2026-0037 as the shared database has it (trimmed): CVSS:4.0 8.7, high.</summary>
    private static readonly AdvisoryFile Quinn = new("crates/quinn-proto/RUSTSEC-2026-0037.md", """
        ```toml
        [advisory]
        id = "RUSTSEC-2026-0037"
        package = "quinn-proto"
        date = "2026-03-09"
        url = "https://github.com/quinn-rs/quinn/pull/2559"
        categories = ["denial-of-service"]
        cvss = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"
        keywords = ["panic"]
        aliases = ["CVE-2026-31812", "GHSA-6xvm-j4wr-6v98"]

        [versions]
        patched = [">= 0.11.14"]
        unaffected = ["< 0.5.0"]
        ```

        # Denial of service in Quinn endpoints

        Receiving QUIC transport parameters containing invalid values could lead to a panic.
        """);

    private const string QuinnVector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N";

    private static async Task PublishAsync(TestApp app, string name, string version, params string[] exactDependencies)
    {
        var metadata = CrateFileBuilder.Metadata(name, version, deps: [.. exactDependencies.Select(d => CrateFileBuilder.Dependency(d.Split('@')[0], "=" + d.Split('@')[1]))]);
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(metadata, CrateFileBuilder.Valid(name, version).BuildCrate()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_API_the_crate_page_and_the_SBOM_carry_the_v4_score_and_its_band()
    {
        await using var app = await TestApp.StartAsync();
        await DownloadPolicyTests.SyncAsync(app, Quinn);
        await PublishAsync(app, "quinn-proto", "0.11.13");
        await PublishAsync(app, "quinn-proto", "0.11.14");
        await PublishAsync(app, "app", "0.1.0", "quinn-proto@0.11.13");

        var version = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/quinn-proto/0.11.13"));
        var advisory = Assert.Single(version.GetProperty("version").GetProperty("advisories").EnumerateArray());
        Assert.Equal(("RUSTSEC-2026-0037", "high", QuinnVector, 8.7),
            (advisory.GetProperty("id").GetString(), advisory.GetProperty("severity").GetString(), advisory.GetProperty("cvss").GetString(), advisory.GetProperty("cvss_score").GetDouble()));
        var list = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/advisories?crate=quinn-proto"));
        Assert.Equal(8.7, Assert.Single(list.GetProperty("advisories").EnumerateArray()).GetProperty("cvss_score").GetDouble());

        var page = await Ui.UiCrates.GetOkPageAsync(app, "/crates/quinn-proto/0.11.13");
        Assert.Contains("high", page.QuerySelector(".notice-advisory [data-advisory='RUSTSEC-2026-0037']")!.TextContent, StringComparison.Ordinal);
        var cell = page.QuerySelector("#advisories tr[data-advisory='RUSTSEC-2026-0037'] td[data-cvss]")!;
        Assert.Equal(("8.7", QuinnVector), (cell.TextContent.Trim(), cell.GetAttribute("title")));

        var sbom = await app.Client().GetAsync("/api/v1/crates/app/0.1.0/sbom");
        Assert.Equal(HttpStatusCode.OK, sbom.StatusCode);
        var bom = JsonDocument.Parse(await sbom.Content.ReadAsStringAsync()).RootElement;
        Assert.Empty(SbomSchemas.CycloneDxErrors(bom));
        var rating = Assert.Single(Assert.Single(bom.GetProperty("vulnerabilities").EnumerateArray()).GetProperty("ratings").EnumerateArray());
        Assert.Equal((8.7, "high", "CVSSv4", QuinnVector),
            (rating.GetProperty("score").GetDouble(), rating.GetProperty("severity").GetString(), rating.GetProperty("method").GetString(), rating.GetProperty("vector").GetString()));
    }

    [Fact]
    public async Task The_download_policy_counts_a_v4_advisory_at_its_own_band_not_as_unscored()
    {
        // High blocks it, naming its band and score and the fix.
        await using (var high = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "High" }))
        {
            await DownloadPolicyTests.SyncAsync(high, Quinn);
            await PublishAsync(high, "quinn-proto", "0.11.13");
            var refused = await high.Client().GetAsync("/api/v1/crates/quinn-proto/0.11.13/download");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var detail = await Json.ErrorDetailAsync(refused);
            Assert.Contains("RUSTSEC-2026-0037 (high, CVSS 8.7, fixed in >= 0.11.14", detail, StringComparison.Ordinal);
        }
        // Critical lets it through although unscored advisories count as critical (Policy:UnscoredAs's default):
        // the advisory is scored, 8.7 is high. The same server still refuses a critical (v3.1 9.8) one.
        await using var critical = await TestApp.StartAsync(new() { ["Policy:BlockSeverity"] = "Critical" });
        await DownloadPolicyTests.SyncAsync(critical, Quinn, DownloadPolicyTests.Critical);
        await PublishAsync(critical, "quinn-proto", "0.11.13");
        await PublishAsync(critical, "smallvec", "1.6.0");
        Assert.Equal(HttpStatusCode.OK, (await critical.Client().GetAsync("/api/v1/crates/quinn-proto/0.11.13/download")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await critical.Client().GetAsync("/api/v1/crates/smallvec/1.6.0/download")).StatusCode);
    }

    [Fact]
    public async Task The_administrators_list_orders_a_v4_advisory_by_its_band_between_critical_and_unscored()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "unscored", "1.0.0");
        await PublishAsync(app, "quinn-proto", "0.11.13");
        await PublishAsync(app, "smallvec", "1.6.0");
        await DownloadPolicyTests.SyncAsync(app, DownloadPolicyTests.Unscored, Quinn, DownloadPolicyTests.Critical);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/advisories"));
        var rows = page.QuerySelectorAll("#affected-crates tbody tr").ToList();
        Assert.Equal(["smallvec", "quinn-proto", "unscored"], rows.Select(r => r.GetAttribute("data-crate")));
        Assert.Equal(["critical, CVSS 9.8", "high, CVSS 8.7", "no CVSS score"], rows.Select(r => r.QuerySelectorAll("td")[4].TextContent.Trim()));
    }

    [Fact]
    public async Task Ghostcrate_audit_prints_the_v4_score_as_cargo_audit_does()
    {
        await using var app = await TestApp.StartAsync();
        await DownloadPolicyTests.SyncAsync(app, Quinn);
        var lockPath = Path.Combine(app.DataDir, "Cargo.lock");
        await File.WriteAllTextAsync(lockPath, """
            version = 4

            [[package]]
            name = "quinn-proto"
            version = "0.11.13"
            source = "registry+https://github.com/rust-lang/crates.io-index"
            """);
        var output = new StringWriter();
        Assert.Equal(1, await CliApp.RunAsync(["audit", lockPath, "--data-dir", app.DataDir], output, new StringWriter(), TextReader.Null));
        Assert.Contains("ID:        RUSTSEC-2026-0037", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Severity:  8.7 (high)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_with_an_invalid_v4_vector_is_refused_with_the_reason_and_keeps_the_stored_advisories()
    {
        await using var app = await TestApp.StartAsync();
        await DownloadPolicyTests.SyncAsync(app, Quinn);
        var broken = new AdvisoryFile("crates/broken/RUSTSEC-2026-9999.md", DownloadPolicyTests.AdvisoryText("RUSTSEC-2026-9999", "broken", "\">= 1.0.0\"",
            "cvss = \"CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\""));

        var report = await app.Services.GetRequiredService<AdvisoryService>().SyncAsync([Quinn, broken], AdvisoryLimits.Default, CancellationToken.None);
        var rejected = Assert.Single(report.Rejected);
        Assert.Contains("RUSTSEC-2026-9999.md: `cvss` is not a valid CVSS:4.0 vector: Base metric `AT` is missing", rejected, StringComparison.Ordinal);
        Assert.Equal(0, report.Added + report.Updated + report.Removed);
        var stored = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/advisories?crate=quinn-proto"));
        Assert.Equal("RUSTSEC-2026-0037", Assert.Single(stored.GetProperty("advisories").EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty((await Json.ReadAsync(await app.Client().GetAsync("/api/v1/advisories?crate=broken"))).GetProperty("advisories").EnumerateArray());
    }
}
