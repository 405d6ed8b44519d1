using System.Net;
using System.Net.Http.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Typosquats;

/// <summary>Typosquat warnings through the real publish API (docs/security.md "Typosquats"): in warnings.other, first publish only.</summary>
public class TyposquatPublishTests
{
    private static async Task<IReadOnlyList<string>> OtherWarningsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        return [.. body.GetProperty("warnings").GetProperty("other").EnumerateArray().Select(w => w.GetString()!)];
    }

    [Fact]
    public async Task A_name_close_to_a_private_crate_or_a_popular_one_is_warned_about_and_a_plain_name_is_not()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Empty(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("acme_billing", "1.0.0").PublishBody())));

        var squat = await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("acme-bililng", "1.0.0").PublishBody()));
        Assert.Equal(
            ["the crate name `acme-bililng` is close to the existing crate `acme_billing` (two neighbouring characters swapped); if that is not intended, choose another name; this was recorded for the registry's administrators"],
            squat);

        var popular = Assert.Single(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("rqwest", "0.1.0").PublishBody())));
        Assert.Contains("the popular crates.io crate `reqwest` (one character left out)", popular);

        // A new version of an accepted name is not warned again; an unremarkable new name never is.
        Assert.Empty(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("acme-bililng", "1.0.1").PublishBody())));
        Assert.Empty(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("acme-invoices", "1.0.0").PublishBody())));
    }

    [Fact]
    public async Task A_restricted_crate_is_not_named_to_a_publisher_who_may_not_read_it()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        var olga = await Users.CreateWithTokenAsync(app, "olga");
        var stranger = await Users.CreateWithTokenAsync(app, "stranger");
        Assert.Empty(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("hidden-billing", "1.0.0").PublishBody(), olga)));
        var restrict = await app.Client(olga).PutAsJsonAsync("/api/v1/crates/hidden-billing/access", new { restricted = true });
        Assert.Equal(HttpStatusCode.OK, restrict.StatusCode);

        Assert.Empty(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("hidden-bililng", "1.0.0").PublishBody(), stranger)));
        // Its owner is told.
        Assert.Contains("`hidden-billing`", Assert.Single(await OtherWarningsAsync(await app.PublishAsync(CrateFileBuilder.Valid("hiddne-billing", "1.0.0").PublishBody(), olga))));
    }
}
