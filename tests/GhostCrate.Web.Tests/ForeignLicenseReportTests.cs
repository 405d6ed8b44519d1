using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GhostCrate.Core.Storage;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>
/// The licence report covers proxied and mirrored crates (docs/security.md "Where licences are shown"): their licence
/// is read from the .crate's Cargo.toml (neither index carries one), once per file, and judged by the registry policy.
/// </summary>
public sealed class ForeignLicenseReportTests
{
    private static readonly Dictionary<string, string?> DenyGpl = new() { ["Licenses:Deny:0"] = "GPL-*" };

    /// <summary>A .crate whose Cargo.toml declares <paramref name="license"/> (nothing when null).</summary>
    private static byte[] Crate(string name, string version, string? license) =>
        new CrateFileBuilder(name, version)
            .File($"{name}-{version}/Cargo.toml", $"[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n" + (license is null ? "" : $"license = \"{license}\"\n"))
            .File($"{name}-{version}/src/lib.rs", "pub fn answer() -> u32 { 42 }\n")
            .BuildCrate();

    private static async Task PublishAsync(TestApp app, string name, string version, string? license)
    {
        var metadata = JsonSerializer.SerializeToNode(CrateFileBuilder.Metadata(name, version))!.AsObject();
        metadata["license"] = license;
        var response = await app.PublishAsync(CrateFileBuilder.PublishBody(metadata, Crate(name, version, license)));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> ReportAsync(TestApp app, string? license = null)
    {
        var response = await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/licenses" + (license is null ? "" : "?license=" + Uri.EscapeDataString(license)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    /// <summary>The report's rows of one source, by `crate@version`.</summary>
    private static Dictionary<string, JsonElement> Rows(JsonElement report, string source) =>
        report.GetProperty("versions").EnumerateArray()
            .Where(v => v.GetProperty("source").GetString() == source)
            .ToDictionary(v => $"{v.GetProperty("crate").GetString()}@{v.GetProperty("version").GetString()}");

    [Fact]
    public async Task Proxied_crates_in_the_cache_are_reported_with_the_licence_of_their_Cargo_toml_read_once()
    {
        await using var pair = await ProxyPair.StartAsync(DenyGpl);
        await PublishAsync(pair.Upstream, "gnutool", "1.0.0", "GPL-3.0+");
        await PublishAsync(pair.Upstream, "dual", "2.0.0", "MIT/Apache-2.0");
        await PublishAsync(pair.Upstream, "bare", "1.0.0", null);
        // Never fetched through the proxy: not in use here, so not in the report.
        await PublishAsync(pair.Upstream, "unused", "1.0.0", "MIT");
        foreach (var (name, version) in new[] { ("gnutool", "1.0.0"), ("dual", "2.0.0"), ("bare", "1.0.0") })
            Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.Client().GetAsync($"/crates-io/api/v1/crates/{name}/{version}/download")).StatusCode);
        // The files' usage rows, which the report lists, are written just after each download is answered.
        await pair.Proxy.Services.GetRequiredService<GhostCrate.Core.Proxy.ProxyWriteBehind>().WhenIdleAsync();
        await pair.Proxy.Services.GetRequiredService<GhostCrate.Core.Proxy.CachedCrateFollowUp>().WhenIdleAsync();

        var report = await ReportAsync(pair.Proxy);
        var rows = Rows(report, "proxy:crates-io");
        Assert.Equal(["bare@1.0.0", "dual@2.0.0", "gnutool@1.0.0"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("GPL-3.0+", rows["gnutool@1.0.0"].GetProperty("license").GetString());
        Assert.Equal("GPL-3.0-or-later", rows["gnutool@1.0.0"].GetProperty("expression").GetString());
        Assert.False(rows["gnutool@1.0.0"].GetProperty("allowed").GetBoolean());
        Assert.Contains("`GPL-3.0-or-later` is denied", rows["gnutool@1.0.0"].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("MIT OR Apache-2.0", rows["dual@2.0.0"].GetProperty("expression").GetString());
        Assert.True(rows["dual@2.0.0"].GetProperty("allowed").GetBoolean());
        Assert.True(rows["bare@1.0.0"].GetProperty("custom").GetBoolean());
        var counts = report.GetProperty("licenses").EnumerateArray().ToDictionary(c => c.GetProperty("license").GetString()!, c => c.GetProperty("versions").GetInt32());
        Assert.Equal(1, counts["GPL-3.0-or-later"]);
        Assert.Equal(1, counts["Apache-2.0"]);

        var filtered = await ReportAsync(pair.Proxy, "GPL-3.0-or-later");
        Assert.Equal(["gnutool@1.0.0"], Rows(filtered, "proxy:crates-io").Keys);

        // Read once and kept: with the cached file gone, the report still knows its licence.
        await pair.Proxy.Services.GetRequiredService<Core.Proxy.ProxyWriteBehind>().WhenIdleAsync();
        await pair.Proxy.Services.GetRequiredService<IBlobStore>().DeleteAsync(BlobKey.ProxyCrateFile("crates-io", "gnutool", "1.0.0"), CancellationToken.None);
        Assert.Equal("GPL-3.0-or-later", Rows(await ReportAsync(pair.Proxy), "proxy:crates-io")["gnutool@1.0.0"].GetProperty("expression").GetString());
    }

    [Fact]
    public async Task The_offline_mirrors_served_versions_are_reported_and_a_different_file_is_read_again()
    {
        using var mirror = new MirrorDirectory();
        mirror.Serve("gnutool", ("1.0.0", Crate("gnutool", "1.0.0", "GPL-2.0-only")));
        mirror.Serve("dual", ("2.0.0", Crate("dual", "2.0.0", "MIT/Apache-2.0")));
        // Listed, but its file is missing: the mirror does not serve it.
        mirror.Serve("absent", ("1.0.0", null));
        await using var app = await TestApp.StartAsync(new(DenyGpl) { ["Mirror:Directory"] = mirror.Root });
        var rows = Rows(await ReportAsync(app), "mirror");
        Assert.Equal(["dual@2.0.0", "gnutool@1.0.0"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("GPL-2.0-only", rows["gnutool@1.0.0"].GetProperty("expression").GetString());
        Assert.False(rows["gnutool@1.0.0"].GetProperty("allowed").GetBoolean());
        Assert.Equal("MIT OR Apache-2.0", rows["dual@2.0.0"].GetProperty("expression").GetString());

        // An import brings a different file for `dual 2.0.0` (its index checksum changes): it is read again.
        mirror.Serve("dual", ("2.0.0", Crate("dual", "2.0.0", "MIT")));
        // The same checksum is not read again: a file whose bytes changed under it keeps its stored licence.
        File.WriteAllBytes(mirror.CrateFile("gnutool", "1.0.0"), Encoding.UTF8.GetBytes("not a crate"));
        rows = Rows(await ReportAsync(app), "mirror");
        Assert.Equal("MIT", rows["dual@2.0.0"].GetProperty("expression").GetString());
        Assert.Equal("GPL-2.0-only", rows["gnutool@1.0.0"].GetProperty("expression").GetString());

        // The page lists them with their source.
        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/licenses"));
        Assert.NotNull(page.QuerySelector("tr[data-crate='gnutool'][data-source='mirror'][data-allowed='false']"));
    }
}
