using System.Globalization;
using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Analytics;
using GhostCrate.Core.Crates;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>
/// /api/v1/admin/analytics and /admin/analytics over real traffic: private publishes and downloads, proxied downloads
/// through a second GhostCrate (ProxyPair), an offline mirror mount, tokens and a web session, on two days of a
/// manual clock.
/// </summary>
public sealed class AnalyticsTests
{
    private const string Password = "a long enough password";

    private static async Task FlushAsync(TestApp app)
    {
        // A proxied file's blob and usage row are written just after its download is answered, its bookkeeping after them.
        await app.Services.GetRequiredService<GhostCrate.Core.Proxy.ProxyWriteBehind>().WhenIdleAsync();
        await app.Services.GetRequiredService<GhostCrate.Core.Proxy.CachedCrateFollowUp>().WhenIdleAsync();
        await app.Services.GetRequiredService<DownloadCounter>().FlushAsync(CancellationToken.None);
        Assert.True(await app.Services.GetRequiredService<UsageCounter>().FlushAsync(CancellationToken.None));
    }

    private static async Task<byte[]> PublishAsync(TestApp app, string name, string version)
    {
        var crate = CrateFileBuilder.Valid(name, version).BuildCrate();
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(CrateFileBuilder.Metadata(name, version), crate));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return crate;
    }

    private static async Task GetOkAsync(HttpClient client, string path, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static JsonElement DayOf(JsonElement report, string day) =>
        report.GetProperty("days").EnumerateArray().Single(d => d.GetProperty("date").GetString() == day);

    [Fact]
    public async Task The_figures_match_real_traffic_on_two_days()
    {
        var mirror = Path.Combine(Path.GetTempPath(), "gc-analytics-mirror-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(mirror, "index"));
        Directory.CreateDirectory(Path.Combine(mirror, "crates", "mirrored"));
        await File.WriteAllBytesAsync(Path.Combine(mirror, "crates", "mirrored", "mirrored-1.0.0.crate"), CrateFileBuilder.Valid("mirrored", "1.0.0").BuildCrate());
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        try
        {
            await using var pair = await ProxyPair.StartAsync(new() { ["Mirror:Directory"] = mirror }, s => s.AddSingleton<TimeProvider>(clock));
            var app = pair.Proxy;
            var remote = await pair.PublishUpstreamAsync("remote", "1.0.0");
            var anonymous = app.Client();

            // Day 1: the admin publishes alpha (an admin token), it is downloaded twice, and remote once through the proxy (a miss).
            var day1 = clock.GetUtcNow();
            var alpha = await PublishAsync(app, "alpha", "1.0.0");
            await GetOkAsync(anonymous, "/api/v1/crates/alpha/1.0.0/download", times: 2);
            await GetOkAsync(anonymous, "/crates-io/api/v1/crates/remote/1.0.0/download");

            // Day 2: beta is published and downloaded 4 times, alpha once; remote twice from the cache (hits); one
            // download from the offline mirror; bob uses his token, carol only the web session.
            clock.Advance(TimeSpan.FromDays(1));
            var day2 = clock.GetUtcNow();
            var beta = await PublishAsync(app, "beta", "1.0.0");
            await GetOkAsync(anonymous, "/api/v1/crates/beta/1.0.0/download", times: 4);
            await GetOkAsync(anonymous, "/api/v1/crates/alpha/1.0.0/download");
            await GetOkAsync(anonymous, "/crates-io/api/v1/crates/remote/1.0.0/download", times: 2);
            await GetOkAsync(anonymous, "/mirror/crates/mirrored/1.0.0/download");
            var bob = await Users.CreateWithTokenAsync(app, "bob");
            await GetOkAsync(app.Client(bob), "/api/v1/me");
            await Users.CreateWithTokenAsync(app, "carol");
            using var carol = new WebSession(app);
            Assert.Equal(HttpStatusCode.OK, (await carol.LoginAsync("carol", Password)).StatusCode);
            await GetOkAsync(carol.Http, "/api/v1/me");
            await FlushAsync(app);

            var response = await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/analytics?period=7d");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            var report = await Json.ReadAsync(response);

            Assert.Equal("7d", report.GetProperty("period").GetString());
            Assert.Equal(Day(day2), report.GetProperty("to").GetString());
            Assert.Equal(Day(day2.AddDays(-6)), report.GetProperty("from").GetString());
            Assert.Equal(7, report.GetProperty("days").GetArrayLength());

            var first = DayOf(report, Day(day1));
            Assert.Equal(2, first.GetProperty("private_downloads").GetInt64());
            Assert.Equal(1, first.GetProperty("proxied_downloads").GetInt64());
            Assert.Equal(0, first.GetProperty("proxy_hits").GetInt64());
            Assert.Equal(1, first.GetProperty("proxy_misses").GetInt64());
            Assert.Equal(0, first.GetProperty("mirrored_downloads").GetInt64());
            Assert.Equal(1, first.GetProperty("publishes").GetInt64());
            Assert.Equal(1, first.GetProperty("active_users").GetInt64()); // admin
            Assert.Equal(1, first.GetProperty("active_tokens").GetInt64());
            Assert.Equal(alpha.Length, first.GetProperty("private_bytes_total").GetInt64());
            Assert.Equal(remote.Length, first.GetProperty("proxy_cache_bytes_total").GetInt64());

            var second = DayOf(report, Day(day2));
            Assert.Equal(5, second.GetProperty("private_downloads").GetInt64());
            Assert.Equal(2, second.GetProperty("proxied_downloads").GetInt64());
            Assert.Equal(2, second.GetProperty("proxy_hits").GetInt64());
            Assert.Equal(1, second.GetProperty("mirrored_downloads").GetInt64());
            Assert.Equal(1, second.GetProperty("publishes").GetInt64());
            Assert.Equal(3, second.GetProperty("active_users").GetInt64()); // admin, bob, carol
            Assert.Equal(2, second.GetProperty("active_tokens").GetInt64()); // admin's and bob's
            Assert.Equal(beta.Length, second.GetProperty("private_bytes_added").GetInt64());
            Assert.Equal(alpha.Length + beta.Length, second.GetProperty("private_bytes_total").GetInt64());
            Assert.Equal(remote.Length, second.GetProperty("proxy_cache_bytes_total").GetInt64());

            var totals = report.GetProperty("totals");
            Assert.Equal(7, totals.GetProperty("private_downloads").GetInt64());
            Assert.Equal(3, totals.GetProperty("proxied_downloads").GetInt64());
            Assert.Equal(1, totals.GetProperty("mirrored_downloads").GetInt64());
            Assert.Equal(2, totals.GetProperty("publishes").GetInt64());
            Assert.Equal(3, totals.GetProperty("active_users").GetInt64());
            Assert.Equal(2, totals.GetProperty("active_tokens").GetInt64());
            Assert.Equal(2.0 / 3, totals.GetProperty("proxy_hit_ratio").GetDouble(), 6);
            Assert.Equal(alpha.Length + beta.Length, totals.GetProperty("private_bytes_total").GetInt64());

            Assert.Equal([("beta", 4L), ("alpha", 3L)],
                report.GetProperty("top_crates").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("downloads").GetInt64())));
            var upstream = Assert.Single(report.GetProperty("upstreams").EnumerateArray());
            Assert.Equal("crates-io", upstream.GetProperty("upstream").GetString());
            Assert.Equal(2, upstream.GetProperty("hits").GetInt64());
            Assert.Equal(1, upstream.GetProperty("misses").GetInt64());

            // The last day alone: day 1 is outside, and day 2's distinct actors are the period's.
            var today = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/analytics?period=7D"));
            Assert.Equal(7, today.GetProperty("days").GetArrayLength());
            clock.Advance(TimeSpan.FromDays(6));
            var later = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/analytics?period=7d"));
            Assert.Equal(5, later.GetProperty("totals").GetProperty("private_downloads").GetInt64());
            Assert.Equal(1, later.GetProperty("totals").GetProperty("publishes").GetInt64());
            Assert.Equal(alpha.Length + beta.Length, later.GetProperty("totals").GetProperty("private_bytes_total").GetInt64());
            Assert.Equal(beta.Length, later.GetProperty("totals").GetProperty("private_bytes_added").GetInt64());
        }
        finally
        {
            Directory.Delete(mirror, recursive: true);
        }
    }

    [Fact]
    public async Task The_page_shows_the_same_figures_in_tables_and_embeds_the_chart_data()
    {
        await using var app = await TestApp.StartAsync();
        await PublishAsync(app, "shown", "1.0.0");
        await GetOkAsync(app.Client(), "/api/v1/crates/shown/1.0.0/download", times: 3);
        await FlushAsync(app);
        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);

        var response = await admin.Http.GetAsync("/admin/analytics?period=90d");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        Assert.Equal("page", page.QuerySelector("a[data-period='90d']")!.GetAttribute("aria-current"));
        Assert.Equal("3", page.QuerySelector("[data-stat=private_downloads]")!.TextContent.Trim());
        Assert.Equal("1", page.QuerySelector("[data-stat=publishes]")!.TextContent.Trim());
        Assert.Equal(90, page.QuerySelectorAll("#analytics-days tbody tr").Length);
        var today = Day(DateTimeOffset.UtcNow);
        Assert.Equal("3", page.QuerySelector($"#analytics-days tr[data-day='{today}'] [data-col=private_downloads]")!.TextContent.Trim());
        Assert.Equal(["shown"], page.QuerySelectorAll("#analytics-top-crates tr[data-crate]").Select(r => r.GetAttribute("data-crate")));
        var chart = JsonDocument.Parse(page.GetElementById("analytics-data")!.TextContent).RootElement;
        Assert.Equal(90, chart.GetProperty("days").GetArrayLength());
        Assert.Equal(3, chart.GetProperty("downloads")[0].GetProperty("data")[89].GetInt64());
        Assert.NotNull(page.QuerySelector("nav.admin-nav a[href='/admin/analytics'][aria-current=page]"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("user", HttpStatusCode.Forbidden)]
    public async Task Only_administrators_get_the_figures(string? caller, HttpStatusCode expected)
    {
        await using var app = await TestApp.StartAsync();
        var token = caller is null ? null : await Users.CreateWithTokenAsync(app, "nosy");

        var response = await app.Client(token).GetAsync("/api/v1/admin/analytics");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty((await Json.ReadAsync(response)).GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Non_administrators_cannot_open_the_page()
    {
        await using var app = await TestApp.StartAsync();
        await Users.CreateWithTokenAsync(app, "nosy");
        using var session = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await session.LoginAsync("nosy", Password)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await session.Http.GetAsync("/admin/analytics")).StatusCode);
        using var anonymous = new WebSession(app);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.Http.GetAsync("/admin/analytics")).StatusCode);
    }

    [Theory]
    [InlineData("1y")]
    [InlineData("30")]
    [InlineData("-7d")]
    public async Task An_unknown_period_is_a_bad_request(string period)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.Client(TestApp.AdminToken).GetAsync($"/api/v1/admin/analytics?period={Uri.EscapeDataString(period)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json.ReadAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains("7d, 30d, 90d", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = await admin.Http.GetAsync($"/admin/analytics?period={Uri.EscapeDataString(period)}");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("unknown period", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
