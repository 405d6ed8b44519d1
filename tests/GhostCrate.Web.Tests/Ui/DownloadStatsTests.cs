using System.Net;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

public sealed class DownloadStatsTests
{
    private static async Task<long> CrateDownloadsAsync(TestApp app, string name) =>
        (await Json.ReadAsync(await app.Client().GetAsync($"/api/v1/crates/{name}"))).GetProperty("crate").GetProperty("downloads").GetInt64();

    [Fact]
    public async Task Downloads_are_stored_per_version_per_day_and_served_as_json()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "counted", "1.0.0");
        await UiCrates.PublishAsync(app, "counted", "1.1.0");

        await UiCrates.DownloadAsync(app, "counted", "1.0.0", times: 2);
        await UiCrates.DownloadAsync(app, "counted", "1.1.0", times: 3);

        await UiCrates.FlushDownloadsAsync(app);
        Assert.Equal(5, await CrateDownloadsAsync(app, "counted"));

        var stats = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/counted/downloads"));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("counted", stats.GetProperty("crate").GetString());
        Assert.Equal(today, stats.GetProperty("to").GetString());
        var rows = stats.GetProperty("version_downloads").EnumerateArray()
            .Select(r => (r.GetProperty("version").GetString(), r.GetProperty("date").GetString(), r.GetProperty("downloads").GetInt64())).ToList();
        Assert.Equal([("1.0.0", today, 2L), ("1.1.0", today, 3L)], rows);
        var totals = stats.GetProperty("totals").EnumerateArray().ToList();
        Assert.Equal(90, totals.Count);
        Assert.Equal(5, totals[^1].GetProperty("downloads").GetInt64());
        Assert.Equal(0, totals[0].GetProperty("downloads").GetInt64());

        var one = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/counted/1.1.0/downloads?days=7"));
        Assert.Equal(7, one.GetProperty("totals").GetArrayLength());
        Assert.Equal(3, one.GetProperty("totals")[6].GetProperty("downloads").GetInt64());
        Assert.Single(one.GetProperty("version_downloads").EnumerateArray());
    }

    [Fact]
    public async Task The_background_writer_stores_counts_without_being_asked()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "ticking", "1.0.0");

        await UiCrates.DownloadAsync(app, "ticking", "1.0.0", times: 3);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await CrateDownloadsAsync(app, "ticking") < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the download counts were not written within 30 s");
            await Task.Delay(100);
        }
        Assert.Equal(3, await CrateDownloadsAsync(app, "ticking"));
    }

    [Theory]
    [InlineData("/api/v1/crates/missing/downloads", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/crates/there/9.9.9/downloads", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/crates/there/downloads?days=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/crates/there/downloads?days=9999", HttpStatusCode.BadRequest)]
    public async Task Bad_requests_answer_in_cargo_format(string path, HttpStatusCode expected)
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "there", "1.0.0");

        var response = await app.Client().GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        Assert.NotEmpty(await Json.ErrorDetailAsync(response));
    }

    [Fact]
    public async Task Auth_required_registries_need_a_token_for_stats()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        await UiCrates.PublishAsync(app, "secret", "1.0.0");

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/api/v1/crates/secret/downloads")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).GetAsync("/api/v1/crates/secret/downloads")).StatusCode);
    }
}
