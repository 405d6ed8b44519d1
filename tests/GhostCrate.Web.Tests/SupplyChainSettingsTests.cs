using System.Xml.Linq;
using GhostCrate.Testing;

namespace GhostCrate.Web.Tests;

/// <summary>
/// Our own supply chain (issue 20 item 9): NuGet audit is on for every package, direct and transitive, and a finding
/// fails the build (warnings are errors); OpenPGP uses the maintained BouncyCastle.Cryptography, never the deprecated
/// Portable.BouncyCastle; untrusted TOML goes through Tomlyn.
/// </summary>
public sealed class SupplyChainSettingsTests
{
    private static XElement Props(string file) => XElement.Load(Path.Combine(ServiceScript.RepositoryRoot, file));

    private static string? Property(XElement props, string name) =>
        props.Elements("PropertyGroup").Elements(name).Select(e => e.Value.Trim()).LastOrDefault();

    [Fact]
    public void NuGet_audit_covers_every_package_and_fails_the_build()
    {
        var props = Props("Directory.Build.props");
        Assert.Equal("true", Property(props, "NuGetAudit"));
        Assert.Equal("all", Property(props, "NuGetAuditMode"));
        Assert.Equal("low", Property(props, "NuGetAuditLevel"));
        Assert.Equal("true", Property(props, "TreatWarningsAsErrors"));
        // NU1901-NU1904 are the audit's findings: none may be turned back into a mere warning.
        var relaxed = props.Elements("PropertyGroup").Elements().Where(e => e.Name.LocalName is "NoWarn" or "WarningsNotAsErrors").Select(e => e.Value);
        Assert.DoesNotContain(relaxed, v => v.Contains("NU190", StringComparison.Ordinal));
    }

    [Fact]
    public void The_maintained_OpenPgp_and_Toml_libraries_are_the_ones_used()
    {
        var versions = Props("Directory.Packages.props").Descendants("PackageVersion").Select(p => (string?)p.Attribute("Include")).ToList();
        Assert.Contains("BouncyCastle.Cryptography", versions);
        Assert.Contains("Tomlyn", versions);
        Assert.DoesNotContain("Portable.BouncyCastle", versions);
        Assert.Contains(typeof(GhostCrate.Mirror.MirrorException).Assembly.GetReferencedAssemblies(), a => a.Name == "BouncyCastle.Cryptography");
        Assert.Contains(typeof(GhostCrate.Packaging.Toml.TomlReader).Assembly.GetReferencedAssemblies(), a => a.Name == "Tomlyn");
    }
}
