using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Branding from the admin UI on two real nodes (separate processes) sharing one PostgreSQL and one S3 bucket: a
/// change made through node A shows on node B's pages and cargo snippets without a restart, a logo uploaded through B
/// is served by A, and a reset through B brings the configured branding back on A (docs/ui.md#branding: the branding
/// row's revision and the change feed's `branding` topic). Skipped outside the postgres-s3 lane.
/// </summary>
public sealed class TwoNodeBrandingTests(TwoNodeBrandingTests.BrandingNodes nodes) : IClassFixture<TwoNodeBrandingTests.BrandingNodes>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_change_on_one_node_shows_on_the_other_without_a_restart_and_a_reset_undoes_it_everywhere()
    {
        var (a, b) = nodes.Get();
        var name = $"brand-{Ids.New()}";
        var published = await a.Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), nodes.AdminToken, Cancel);
        Assert.True(published.Status == HttpStatusCode.OK, published.Describe());
        // B has rendered pages with the configured branding before the change.
        Assert.Contains("<strong>Configured Crates</strong>", await PageAsync(b, "/"), StringComparison.Ordinal);

        var put = await Api(a).PutAsJsonAsync("api/v1/admin/branding", new { display_name = "Node A Crates", registry_name = "acme", accent_color = "#2f6fdf" }, Cancel);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Cancel));

        await Eventually.TrueAsync(async () => (await PageAsync(b, "/")).Contains("<strong>Node A Crates</strong>", StringComparison.Ordinal),
            "node B's home page never showed the display name set through node A", cancellationToken: Cancel);
        var crate = await PageAsync(b, $"/crates/{name}");
        Assert.Contains($"cargo add {name} --registry acme", crate, StringComparison.Ordinal);
        Assert.Contains("/ui/brand.css", crate, StringComparison.Ordinal);
        var onB = JsonDocument.Parse(await Api(b).GetStringAsync("api/v1/admin/branding", Cancel)).RootElement;
        Assert.Equal("admin", onB.GetProperty("registry_name").GetProperty("source").GetString());

        // The logo goes the other way: uploaded through B, served by A from the shared database.
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        var logo = await Api(b).PutAsync("api/v1/admin/branding/logo", new ByteArrayContent(png), Cancel);
        Assert.True(logo.IsSuccessStatusCode, await logo.Content.ReadAsStringAsync(Cancel));
        var url = JsonDocument.Parse(await logo.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("logo").GetProperty("url").GetString()!;
        var hash = url[(url.IndexOf("?v=", StringComparison.Ordinal) + 3)..];
        await Eventually.TrueAsync(async () => (await PageAsync(a, "/")).Contains(hash, StringComparison.Ordinal),
            "node A's pages never showed the logo uploaded through node B", cancellationToken: Cancel);
        using var anonymous = new HttpClient { BaseAddress = a.BaseUrl };
        Assert.Equal(png, await anonymous.GetByteArrayAsync(url.TrimStart('/'), Cancel));

        var reset = await Api(b).DeleteAsync("api/v1/admin/branding", Cancel);
        Assert.True(reset.IsSuccessStatusCode, await reset.Content.ReadAsStringAsync(Cancel));
        await Eventually.TrueAsync(async () => (await PageAsync(a, "/")).Contains("<strong>Configured Crates</strong>", StringComparison.Ordinal),
            "node A still showed the branding after the reset through node B", cancellationToken: Cancel);
        Assert.Contains($"cargo add {name} --registry configured", await PageAsync(a, $"/crates/{name}"), StringComparison.Ordinal);
    }

    private static async Task<string> PageAsync(GhostCrateServer node, string path)
    {
        using var http = new HttpClient { BaseAddress = node.BaseUrl };
        using var response = await http.GetAsync(path.TrimStart('/'), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Cancel);
    }

    private HttpClient Api(GhostCrateServer node)
    {
        var http = new HttpClient { BaseAddress = node.BaseUrl };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", nodes.AdminToken);
        return http;
    }

    /// <summary>Two nodes of their own (branding is registry-wide) with a configured name and registry name.</summary>
    public sealed class BrandingNodes : TwoNodeIndexTests.Nodes
    {
        protected override IReadOnlyDictionary<string, string> Extra { get; } = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Ui__DisplayName"] = "Configured Crates",
            ["GHOSTCRATE_Ui__RegistryName"] = "configured",
        };
    }
}
