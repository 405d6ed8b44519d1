using System.Net;
using System.Text;
using GhostCrate.Core.Advisories;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>The advisory routes on a real server: a published affected version, its advisories, and a lock-file audit.</summary>
public class AdvisoryEndpointTests
{
    /// <summary>RUSTSEC-2021-0003 as the database has it (trimmed); the SBOM tests use it too.</summary>
    internal const string Smallvec = """
        ```toml
        [advisory]
        id = "RUSTSEC-2021-0003"
        package = "smallvec"
        date = "2021-01-08"
        cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        aliases = ["CVE-2021-25900"]

        [versions]
        patched = [">= 0.6.14, < 1.0.0", ">= 1.6.1"]
        unaffected = ["< 0.6.3"]
        ```

        # Buffer overflow in SmallVec::insert_many

        A bug.
        """;

    private static async Task<TestApp> StartWithAdvisoryAsync(Dictionary<string, string?>? settings = null)
    {
        var app = await TestApp.StartAsync(settings);
        var report = await app.Services.GetRequiredService<AdvisoryService>()
            .SyncAsync([new AdvisoryFile("crates/smallvec/RUSTSEC-2021-0003.md", Smallvec)], AdvisoryLimits.Default, CancellationToken.None);
        Assert.Empty(report.Rejected);
        return app;
    }

    [Fact]
    public async Task A_published_affected_version_shows_its_advisory_and_the_patched_one_does_not()
    {
        await using var app = await StartWithAdvisoryAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("smallvec", "1.6.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("smallvec", "1.6.1").PublishBody())).StatusCode);

        var affected = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/smallvec/1.6.0"));
        var advisory = Assert.Single(affected.GetProperty("version").GetProperty("advisories").EnumerateArray());
        Assert.Equal("RUSTSEC-2021-0003", advisory.GetProperty("id").GetString());
        Assert.Equal("critical", advisory.GetProperty("severity").GetString());
        Assert.Equal("vulnerability", advisory.GetProperty("kind").GetString());
        var patched = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/smallvec/1.6.1"));
        Assert.Empty(patched.GetProperty("version").GetProperty("advisories").EnumerateArray());

        // The publish hook stored the finding for the private version; the list route shows it.
        var list = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/advisories?crate=smallvec"));
        Assert.Equal("RUSTSEC-2021-0003", Assert.Single(list.GetProperty("advisories").EnumerateArray()).GetProperty("id").GetString());
        var finding = Assert.Single(list.GetProperty("affected").EnumerateArray());
        Assert.Equal(("1.6.0", "private"), (finding.GetProperty("version").GetString(), finding.GetProperty("source").GetString()));

        var missing = await app.Client().GetAsync("/api/v1/crates/smallvec/9.9.9");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no version", await Json.ErrorDetailAsync(missing));
    }

    [Fact]
    public async Task The_crate_page_of_an_affected_version_names_the_advisory_and_the_patched_version_page_does_not()
    {
        await using var app = await StartWithAdvisoryAsync();
        await Ui.UiCrates.PublishAsync(app, "smallvec", "1.6.0");
        await Ui.UiCrates.PublishAsync(app, "smallvec", "1.6.1");

        var affected = await Ui.UiCrates.GetOkPageAsync(app, "/crates/smallvec/1.6.0");
        var notice = affected.QuerySelector(".notice-advisory [data-advisory='RUSTSEC-2021-0003']");
        Assert.NotNull(notice);
        Assert.Contains("critical", notice.TextContent, StringComparison.Ordinal);
        Assert.Contains("Buffer overflow in SmallVec::insert_many", notice.TextContent, StringComparison.Ordinal);
        Assert.Contains("Patched: >= 0.6.14, < 1.0.0, >= 1.6.1", notice.TextContent, StringComparison.Ordinal);
        Assert.Equal("https://rustsec.org/advisories/RUSTSEC-2021-0003.html", notice.QuerySelector("a")!.GetAttribute("href"));
        // The versions table marks the affected row only; the crate's advisories have their own section.
        Assert.NotNull(affected.QuerySelector("tr[data-version='1.6.0'] .badge-advisory"));
        Assert.Null(affected.QuerySelector("tr[data-version='1.6.1'] .badge-advisory"));
        Assert.NotNull(affected.QuerySelector("#advisories tr[data-advisory='RUSTSEC-2021-0003']"));

        var patched = await Ui.UiCrates.GetOkPageAsync(app, "/crates/smallvec/1.6.1");
        Assert.Null(patched.QuerySelector(".notice-advisory"));
        Assert.NotNull(patched.QuerySelector("#advisories tr[data-advisory='RUSTSEC-2021-0003']"));

        // A crate without advisories shows neither.
        await Ui.UiCrates.PublishAsync(app, "tinyvec", "1.0.0");
        var clean = await Ui.UiCrates.GetOkPageAsync(app, "/crates/tinyvec");
        Assert.Null(clean.QuerySelector(".notice-advisory"));
        Assert.Null(clean.QuerySelector("#advisories"));
    }

    [Fact]
    public async Task Audit_of_a_lock_file_lists_the_advisory_and_bad_input_is_a_problem()
    {
        await using var app = await StartWithAdvisoryAsync();
        const string lockFile = """
            version = 4

            [[package]]
            name = "app"
            version = "0.1.0"

            [[package]]
            name = "smallvec"
            version = "0.6.13"
            source = "registry+https://github.com/rust-lang/crates.io-index"

            [[package]]
            name = "smallvec"
            version = "1.6.1"
            source = "registry+https://github.com/rust-lang/crates.io-index"
            """;
        var response = await app.Client().PostAsync("/api/v1/audit", new StringContent(lockFile, Encoding.UTF8, "text/plain"));
        var body = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body.GetProperty("packages").GetInt32());
        Assert.Equal(1, body.GetProperty("vulnerabilities").GetInt32());
        var finding = Assert.Single(body.GetProperty("findings").EnumerateArray());
        Assert.Equal("0.6.13", finding.GetProperty("version").GetString());
        Assert.Equal("Upgrade to >=0.6.14,<1.0.0 OR >=1.6.1", finding.GetProperty("solution").GetString());

        var bad = await app.Client().PostAsync("/api/v1/audit", new StringContent("[[package]\nname=", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not valid TOML", (await Json.ReadAsync(bad)).GetProperty("detail").GetString());

        // Chunked, so the server reads the whole (one byte too long) body before answering: with a Content-Length it
        // answers 413 at once and the client may still be writing into a closed connection.
        var oversized = new HttpRequestMessage(HttpMethod.Post, "/api/v1/audit") { Content = new ByteArrayContent(new byte[LockFileReader.MaxBytes + 1]) };
        oversized.Headers.TransferEncodingChunked = true;
        var huge = await app.Client().SendAsync(oversized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        // The route's own answer, after reading the whole body: not the server's default limit (1 MiB), which answered
        // 413 with no body mid-upload and closed the connection under a client still sending (a broken pipe in CI).
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);

        // Between the server's 1 MiB default and the route's 4 MiB: read and judged by the route (here: not TOML).
        var large = await app.Client().PostAsync("/api/v1/audit", new StringContent(new string('a', 2 * 1024 * 1024), Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, large.StatusCode);
        Assert.Contains("not valid TOML", (await Json.ReadAsync(large)).GetProperty("detail").GetString());

        var noCrate = await app.Client().GetAsync("/api/v1/advisories");
        Assert.Equal(HttpStatusCode.BadRequest, noCrate.StatusCode);
        Assert.Equal("application/problem+json", noCrate.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task With_auth_required_anonymous_callers_get_401()
    {
        await using var app = await StartWithAdvisoryAsync(new() { ["Registry:AuthRequired"] = "true" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/api/v1/advisories?crate=smallvec")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().PostAsync("/api/v1/audit", new StringContent(""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).GetAsync("/api/v1/advisories?crate=smallvec")).StatusCode);
    }
}
