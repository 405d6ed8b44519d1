using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests;

/// <summary>
/// Licences at publish (docs/security.md, "Licences"): crates.io's parser rules, the registry's and organizations'
/// policies in Refuse and Warn mode, custom licences, the version JSON and the administrators' report.
/// </summary>
public sealed class LicensePolicyTests
{
    private static readonly Dictionary<string, string?> DenyGpl = new()
    {
        ["Licenses:Mode"] = "Refuse",
        ["Licenses:Deny:0"] = "GPL-*",
        ["Licenses:Deny:1"] = "AGPL-*",
    };

    /// <summary>A publish body whose `license` (and `license_file`) are as given; null leaves the field out.</summary>
    internal static byte[] Body(string name, string version, string? license, string? licenseFile = null)
    {
        var metadata = JsonSerializer.SerializeToNode(CrateFileBuilder.Metadata(name, version))!.AsObject();
        metadata["license"] = license;
        metadata["license_file"] = licenseFile;
        return CrateFileBuilder.PublishBody(metadata, CrateFileBuilder.Valid(name, version).BuildCrate());
    }

    public static TheoryData<string, string, HttpStatusCode, string?> DenyGplCases => new()
    {
        { "dual-or", "MIT OR Apache-2.0", HttpStatusCode.OK, null },
        { "dual-slash", "MIT/Apache-2.0", HttpStatusCode.OK, null },
        { "gpl-plus", "GPL-3.0+", HttpStatusCode.BadRequest, "`GPL-3.0-or-later` is denied (`GPL-*`)" },
        { "gpl-choice", "MIT OR GPL-3.0-only", HttpStatusCode.OK, null },
        { "gpl-and", "MIT AND GPL-3.0-only", HttpStatusCode.BadRequest, "`GPL-3.0-only` is denied (`GPL-*`)" },
        { "imprecise", "Apache2", HttpStatusCode.BadRequest, "unknown licence `Apache2`" },
        { "lowercase-or", "MIT or Apache-2.0", HttpStatusCode.BadRequest, "`or` at character 5 is not an operator" },
        { "with-exception", "Apache-2.0 WITH LLVM-exception", HttpStatusCode.OK, null },
    };

    [Theory]
    [MemberData(nameof(DenyGplCases))]
    public async Task A_policy_denying_GPL_refuses_what_it_must_and_stores_nothing_then(string name, string license, HttpStatusCode status, string? detail)
    {
        await using var app = await TestApp.StartAsync(DenyGpl);

        var response = await app.PublishAsync(Body(name, "1.0.0", license));

        Assert.Equal(status, response.StatusCode);
        if (detail is null)
        {
            Assert.Contains($"crates/{name}/{name}-1.0.0.crate", app.BlobFiles());
            return;
        }
        var message = await Json.ErrorDetailAsync(response);
        Assert.Contains(detail, message, StringComparison.Ordinal);
        if (status == HttpStatusCode.BadRequest && license.Contains("GPL", StringComparison.Ordinal)) Assert.Contains("the registry's licence policy", message, StringComparison.Ordinal);
        Assert.Empty(app.BlobFiles());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync($"/api/v1/crates/{name}")).StatusCode);
    }

    [Fact]
    public async Task Warn_mode_publishes_and_names_the_licence_in_cargos_warnings()
    {
        await using var app = await TestApp.StartAsync(new() { ["Licenses:Mode"] = "Warn", ["Licenses:Deny:0"] = "GPL-*" });

        var response = await app.PublishAsync(Body("warned", "1.0.0", "GPL-3.0+"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var other = (await Json.ReadAsync(response)).GetProperty("warnings").GetProperty("other");
        var warning = Assert.Single(other.EnumerateArray()).GetString()!;
        Assert.Contains("`GPL-3.0-or-later` is denied (`GPL-*`)", warning, StringComparison.Ordinal);
        Assert.Contains("the registry's licence policy", warning, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/api/v1/crates/warned")).StatusCode);
    }

    [Fact]
    public async Task License_file_only_crates_are_custom_allowed_by_default_and_refused_when_set()
    {
        await using (var open = await TestApp.StartAsync())
        {
            Assert.Equal(HttpStatusCode.OK, (await open.PublishAsync(Body("own-terms", "1.0.0", null, "LICENSE.txt"))).StatusCode);
            var report = await Json.ReadAsync(await open.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/licenses?license=custom"));
            var row = Assert.Single(report.GetProperty("versions").EnumerateArray());
            Assert.Equal(("own-terms", true, true), (row.GetProperty("crate").GetString(), row.GetProperty("custom").GetBoolean(), row.GetProperty("allowed").GetBoolean()));
        }

        await using var strict = await TestApp.StartAsync(new() { ["Licenses:Mode"] = "Refuse", ["Licenses:AllowCustom"] = "false" });
        var refused = await strict.PublishAsync(Body("own-terms", "1.0.0", null, "LICENSE.txt"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("declares no SPDX licence", await Json.ErrorDetailAsync(refused), StringComparison.Ordinal);
        Assert.Empty(strict.BlobFiles());
    }

    [Fact]
    public async Task An_invalid_expression_is_refused_even_without_a_policy()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.PublishAsync(Body("badlic", "1.0.0", "GPLv3"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = await Json.ErrorDetailAsync(response);
        Assert.Contains("unknown or invalid license expression `GPLv3`", detail, StringComparison.Ordinal);
        Assert.Contains("imprecise names are not accepted", detail, StringComparison.Ordinal);
        Assert.Empty(app.BlobFiles());
    }

    [Fact]
    public async Task An_organizations_policy_applies_to_its_crates_and_its_changes_are_audited()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(Body("acme-tool", "1.0.0", "MIT"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/crates/acme-tool/owners", new { users = new[] { "org:acme" } })).StatusCode);

        var invalid = await admin.PutAsJsonAsync("/api/v1/orgs/acme/license-policy", new { mode = "refuse", deny = new[] { "mit" } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("did you mean `MIT`", (await Json.ReadAsync(invalid)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var set = await admin.PutAsJsonAsync("/api/v1/orgs/acme/license-policy", new { mode = "refuse", allow = new[] { "Apache-2.0" }, deny = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var policy = (await Json.ReadAsync(await admin.GetAsync("/api/v1/orgs/acme/license-policy"))).GetProperty("policy");
        Assert.Equal(("refuse", "Apache-2.0"), (policy.GetProperty("mode").GetString(), policy.GetProperty("allow")[0].GetString()));

        var refused = await app.PublishAsync(Body("acme-tool", "1.1.0", "MIT"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("the licence policy of organization `acme`: `MIT` is not on the allow list", await Json.ErrorDetailAsync(refused), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(Body("acme-tool", "1.1.0", "MIT OR Apache-2.0"))).StatusCode);
        // Crates the organization does not own are not its business.
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(Body("elsewhere", "1.0.0", "MIT"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/v1/orgs/acme/license-policy")).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await Json.ReadAsync(await admin.GetAsync("/api/v1/orgs/acme/license-policy"))).GetProperty("policy").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(Body("acme-tool", "1.2.0", "MIT"))).StatusCode);

        var audit = (await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/audit"))).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("target").GetString() == "org:acme").Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("org.license_policy_set", audit);
        Assert.Contains("org.license_policy_removed", audit);
    }

    [Fact]
    public async Task The_version_json_and_the_report_carry_the_normalised_licence()
    {
        await using var app = await TestApp.StartAsync(new() { ["Licenses:Deny:0"] = "GPL-*" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(Body("dual", "1.0.0", "MIT/Apache-2.0"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(Body("dual", "1.1.0", "MIT OR Apache-2.0"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(Body("gnu", "1.0.0", "GPL-3.0+"))).StatusCode);

        var version = (await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/dual/1.0.0"))).GetProperty("version");
        Assert.Equal("MIT/Apache-2.0", version.GetProperty("license").GetString());
        Assert.Equal("MIT OR Apache-2.0", version.GetProperty("license_expression").GetString());
        Assert.Equal(["MIT", "Apache-2.0"], version.GetProperty("license_ids").EnumerateArray().Select(e => e.GetString()));

        var report = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/licenses"));
        var counts = report.GetProperty("licenses").EnumerateArray().ToDictionary(c => c.GetProperty("license").GetString()!, c => (c.GetProperty("versions").GetInt32(), c.GetProperty("allowed").GetBoolean()));
        Assert.Equal((2, true), counts["MIT"]);
        Assert.Equal((2, true), counts["Apache-2.0"]);
        Assert.Equal((1, false), counts["GPL-3.0-or-later"]);
        var gnu = Assert.Single(report.GetProperty("versions").EnumerateArray(), v => v.GetProperty("crate").GetString() == "gnu");
        Assert.False(gnu.GetProperty("allowed").GetBoolean());
        Assert.Contains("`GPL-3.0-or-later` is denied", gnu.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var filtered = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/licenses?license=GPL-3.0-or-later"));
        Assert.Equal(["gnu"], filtered.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("crate").GetString()));
    }
}
