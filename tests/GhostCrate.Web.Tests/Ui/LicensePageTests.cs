using System.Net;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>Licences as HTML: the crate page links each SPDX id, /admin/licenses lists versions with the policy's verdict.</summary>
public sealed class LicensePageTests
{
    [Fact]
    public async Task The_crate_page_links_each_licence_and_the_admin_report_shows_the_verdicts()
    {
        await using var app = await TestApp.StartAsync(new() { ["Licenses:Deny:0"] = "GPL-*" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(LicensePolicyTests.Body("dual", "1.0.0", "MIT/Apache-2.0"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(LicensePolicyTests.Body("gnu", "1.0.0", "GPL-3.0+"))).StatusCode);

        var crate = new HtmlParser().ParseDocument(await app.Client().GetStringAsync("/crates/dual"));
        var license = crate.QuerySelector("[data-license]")!;
        Assert.Equal("MIT OR Apache-2.0", string.Join(' ', license.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(["https://spdx.org/licenses/MIT.html", "https://spdx.org/licenses/Apache-2.0.html"],
            license.QuerySelectorAll("a[data-spdx]").Select(a => a.GetAttribute("href")));

        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", "correct horse battery")).StatusCode);
        var report = new HtmlParser().ParseDocument(await web.Http.GetStringAsync("/admin/licenses"));
        Assert.Equal("false", report.QuerySelector("tr[data-crate=gnu]")!.GetAttribute("data-allowed"));
        Assert.Contains("`GPL-3.0-or-later` is denied", report.QuerySelector("tr[data-crate=gnu]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", report.QuerySelector("tr[data-crate=dual]")!.GetAttribute("data-allowed"));
        Assert.NotNull(report.QuerySelector("[data-license-counts] tr[data-license=MIT]"));

        var filtered = new HtmlParser().ParseDocument(await web.Http.GetStringAsync("/admin/licenses?license=MIT"));
        Assert.Equal(["dual"], filtered.QuerySelectorAll("[data-license-versions] tbody tr").Select(r => r.GetAttribute("data-crate")));

        var bob = await Users.CreateWithTokenAsync(app, "bob");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(bob).GetAsync("/api/v1/admin/licenses")).StatusCode);
    }
}
