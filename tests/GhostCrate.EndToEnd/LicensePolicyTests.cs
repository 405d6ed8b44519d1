using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>A registry whose licence policy denies the GPL families and refuses what it does not allow.</summary>
public sealed class DenyGplServerFixture : ServerFixture
{
    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Licenses__Mode"] = "Refuse",
            ["GHOSTCRATE_Licenses__Deny__0"] = "GPL-*",
            ["GHOSTCRATE_Licenses__Deny__1"] = "AGPL-*",
        },
    };
}

/// <summary>The same policy in Warn mode: everything valid is published, cargo prints the warning.</summary>
public sealed class WarnGplServerFixture : ServerFixture
{
    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Licenses__Mode"] = "Warn",
            ["GHOSTCRATE_Licenses__Deny__0"] = "GPL-*",
        },
    };
}

/// <summary>Helpers shared by the two policy classes: a crate with a given `license`, published by the real cargo.</summary>
internal static class LicensedCrates
{
    public static async Task<(CrateProject Project, ProcessResult Result)> PublishAsync(CargoSandbox cargo, string prefix, string license)
    {
        var project = await cargo.NewLibAsync($"{prefix}-{Ids.New()}");
        var manifest = await File.ReadAllTextAsync(project.ManifestPath, TestContext.Current.CancellationToken);
        Assert.Contains("license = \"MIT\"", manifest, StringComparison.Ordinal);
        await File.WriteAllTextAsync(project.ManifestPath, manifest.Replace("license = \"MIT\"", $"license = \"{license}\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        return (project, await cargo.PublishAsync(project, verify: false));
    }
}

/// <summary>
/// Issue 20, item 4, with the real cargo: `MIT OR Apache-2.0`, `MIT/Apache-2.0`, `GPL-3.0+` and an invalid expression
/// under a policy that denies GPL. The outcomes follow crates.io's parser (slash is OR, GPL-3.0+ is GPL-3.0-or-later,
/// imprecise names are refused) and the policy; a refused crate is nowhere in the registry.
/// </summary>
public sealed class LicensePolicyTests(DenyGplServerFixture fixture) : EndToEndTest(fixture), IClassFixture<DenyGplServerFixture>
{
    public static TheoryData<string, string, string?> Cases => new()
    {
        { "dual", "MIT OR Apache-2.0", null },
        { "slash", "MIT/Apache-2.0", null },
        { "choice", "GPL-3.0+ OR MIT", null },
        { "gnu", "GPL-3.0+", "`GPL-3.0-or-later` is denied (`GPL-*`)" },
        { "both", "MIT AND AGPL-3.0-only", "`AGPL-3.0-only` is denied (`AGPL-*`)" },
        { "imprecise", "Apache2", "unknown licence `Apache2`" },
        { "lowercase", "MIT or Apache-2.0", "`or` at character 5 is not an operator" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Cargo_publish_follows_the_parser_and_the_policy(string prefix, string license, string? refusal)
    {
        var (project, result) = await LicensedCrates.PublishAsync(Cargo, prefix, license);

        if (refusal is null)
        {
            Assert.True(result.Succeeded, result.Describe());
            var version = JsonNode.Parse((await Http.GetAsync($"/api/v1/crates/{project.Name}/{project.Version}", cancellationToken: Cancel)).Body)!["version"]!;
            Assert.Equal(license, version["license"]!.GetValue<string>());
            Assert.Equal(license.Replace("/", " OR ", StringComparison.Ordinal).Replace("GPL-3.0+", "GPL-3.0-or-later", StringComparison.Ordinal),
                version["license_expression"]!.GetValue<string>());
            return;
        }
        Assert.False(result.Succeeded, result.Describe());
        Assert.Contains(refusal, result.StdErr, StringComparison.Ordinal);
        if (license.Contains("GPL", StringComparison.Ordinal)) Assert.Contains("the registry's licence policy", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(404, (await Http.GetAsync($"/api/v1/crates/{project.Name}", cancellationToken: Cancel)).Code);
        Assert.Equal(404, (await Http.GetIndexFileAsync(project.Name, cancellationToken: Cancel)).Code);
    }
}

public sealed class LicenseWarningTests(WarnGplServerFixture fixture) : EndToEndTest(fixture), IClassFixture<WarnGplServerFixture>
{
    [Fact]
    public async Task In_warn_mode_cargo_publishes_and_prints_the_policys_warning()
    {
        var (project, result) = await LicensedCrates.PublishAsync(Cargo, "warned", "GPL-3.0+");

        Assert.True(result.Succeeded, result.Describe());
        Assert.Contains("`GPL-3.0-or-later` is denied (`GPL-*`)", result.StdErr, StringComparison.Ordinal);
        Assert.Single(await Http.GetIndexEntriesAsync(project.Name, cancellationToken: Cancel));
    }
}
