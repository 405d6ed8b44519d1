namespace GhostCrate.Core.Sbom;

/// <summary>
/// Package URLs of Cargo packages (https://github.com/package-url/purl-spec, type `cargo`: no namespace, the default
/// repository is crates.io). A package from any other registry carries the spec's `repository_url` qualifier with that
/// registry's index URL, so a private `serde` is never mistaken for the public one.
/// </summary>
public static class SbomPurl
{
    public static string Cargo(string name, string version, string? repositoryUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(version);
        // Crate names are ASCII letters, digits, '-' and '_', all allowed unencoded; a version's '+' (build
        // metadata) must be percent-encoded, as every character outside the unreserved set of a purl component.
        var purl = $"pkg:cargo/{Uri.EscapeDataString(name)}@{Uri.EscapeDataString(version)}";
        return repositoryUrl is null ? purl : $"{purl}?repository_url={Uri.EscapeDataString(repositoryUrl)}";
    }
}
