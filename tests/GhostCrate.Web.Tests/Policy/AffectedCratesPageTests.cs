using System.Net;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Policy;

/// <summary>
/// The administrators' list of affected crates on /admin/advisories (issue 20 item 2): vulnerabilities by severity,
/// then by how many of the registry's crates depend on them, then warnings.
/// </summary>
public class AffectedCratesPageTests
{
    private static async Task PublishAsync(TestApp app, string name, string version, params string[] dependsOn)
    {
        var metadata = CrateFileBuilder.Metadata(name, version, deps: [.. dependsOn.Select(d => CrateFileBuilder.Dependency(d, ">=0.1"))]);
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(metadata, CrateFileBuilder.Valid(name, version).BuildCrate()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Affected_crates_are_listed_by_severity_then_dependents_with_warnings_last()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "oldie", "1.0.0");
        await PublishAsync(app, "unscored", "1.0.0");
        await PublishAsync(app, "unscored", "2.0.0");
        await PublishAsync(app, "smallvec", "1.6.0");
        await PublishAsync(app, "smallvec", "1.6.1");
        await PublishAsync(app, "smallvec", "0.6.9");
        // Two crates depend on smallvec, one on unscored; a dependent's older version does not count.
        await PublishAsync(app, "app-one", "1.0.0", "smallvec");
        await PublishAsync(app, "app-two", "1.0.0", "smallvec", "unscored");
        await PublishAsync(app, "app-three", "1.0.0", "unscored");
        await PublishAsync(app, "app-three", "2.0.0");
        await DownloadPolicyTests.SyncAsync(app, DownloadPolicyTests.Critical, DownloadPolicyTests.Unscored, DownloadPolicyTests.Informational);

        await Users.CreateWithTokenAsync(app, "mallory");
        using (var user = new WebSession(app))
        {
            Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync("mallory", "a long enough password")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("/admin/advisories")).StatusCode);
        }

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/advisories"));
        var rows = page.QuerySelectorAll("#affected-crates tbody tr").ToList();
        Assert.Equal(["smallvec RUSTSEC-2021-0003", "unscored RUSTSEC-2020-0100", "oldie RUSTSEC-2020-0101"],
            rows.Select(r => $"{r.GetAttribute("data-crate")} {r.GetAttribute("data-advisory")}"));
        Assert.Equal(["2", "1", "0"], rows.Select(r => r.GetAttribute("data-dependents")));
        // Exactly the affected versions, in version order (the patched ones are not listed), and the fix.
        string Cell(int row, int column) => rows[row].QuerySelectorAll("td")[column].TextContent.Trim();
        Assert.Equal("0.6.9, 1.6.0", Cell(0, 2));
        Assert.Equal("critical, CVSS 9.8", Cell(0, 4));
        Assert.Equal("Upgrade to >=0.6.14,<1.0.0 OR >=1.6.1", Cell(0, 6));
        Assert.Equal("1.0.0", Cell(1, 2));
        Assert.Equal("no CVSS score", Cell(1, 4));
        Assert.Equal("1.0.0", Cell(2, 2));
        Assert.Equal("unmaintained", Cell(2, 4));
        Assert.Equal("private", rows[0].GetAttribute("data-source"));
    }

    [Fact]
    public async Task A_crate_published_with_capitals_counts_the_dependents_that_name_it_so()
    {
        await using var app = await TestApp.StartAsync();
        // Cargo.toml names a dependency as the crate was published ("SmallVec"), not in its canonical form.
        await PublishAsync(app, "SmallVec", "1.6.0");
        await PublishAsync(app, "app-one", "1.0.0", "SmallVec");
        await DownloadPolicyTests.SyncAsync(app, DownloadPolicyTests.Critical);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/advisories"));
        var row = Assert.Single(page.QuerySelectorAll("#affected-crates tbody tr"));
        Assert.Equal("1", row.GetAttribute("data-dependents"));
    }

    [Fact]
    public async Task The_offline_mirrors_versions_are_flagged_exactly_and_listed_with_their_source()
    {
        using var mirror = new MirrorDirectory();
        mirror.Serve("smallvec",
            ("0.6.13", CrateFileBuilder.Valid("smallvec", "0.6.13").BuildCrate()),
            ("0.6.14", CrateFileBuilder.Valid("smallvec", "0.6.14").BuildCrate()),
            ("1.6.0", CrateFileBuilder.Valid("smallvec", "1.6.0").BuildCrate()),
            ("1.6.1", CrateFileBuilder.Valid("smallvec", "1.6.1").BuildCrate()));
        await using var app = await TestApp.StartAsync(new() { ["Mirror:Directory"] = mirror.Root });
        await DownloadPolicyTests.SyncAsync(app, DownloadPolicyTests.Critical);

        // RUSTSEC-2021-0003 patched >= 0.6.14, < 1.0.0 and >= 1.6.1: of these four, 0.6.13 and 1.6.0 are affected.
        var found = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/advisories?crate=smallvec"));
        Assert.Equal(["0.6.13 mirror RUSTSEC-2021-0003", "1.6.0 mirror RUSTSEC-2021-0003"],
            found.GetProperty("affected").EnumerateArray()
                .Select(a => $"{a.GetProperty("version").GetString()} {a.GetProperty("source").GetString()} {a.GetProperty("advisory_id").GetString()}")
                .Order(StringComparer.Ordinal));

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/advisories"));
        var row = Assert.Single(page.QuerySelectorAll("#affected-crates tbody tr"));
        Assert.Equal("mirror", row.GetAttribute("data-source"));
        Assert.Equal("0.6.13, 1.6.0", row.QuerySelectorAll("td")[2].TextContent.Trim());
    }
}
