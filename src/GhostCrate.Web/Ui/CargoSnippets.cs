namespace GhostCrate.Web.Ui;

/// <summary>The copy-ready cargo commands and configuration shown on the home, crate and account pages.</summary>
public sealed class CargoSnippets(Branding branding)
{
    /// <summary>
    /// The name the snippets give this registry in cargo's configuration: Ui:RegistryName, or the one set on
    /// /admin/branding (read on every call, so a change applies to the next page on every node).
    /// </summary>
    public string RegistryName => branding.RegistryName;

    /// <summary>CARGO_REGISTRIES_{NAME}_TOKEN: cargo upper-cases the name and turns '-' into '_'.</summary>
    public string TokenVariable => $"CARGO_REGISTRIES_{RegistryName.ToUpperInvariant().Replace('-', '_')}_TOKEN";

    /// <summary>
    /// https://doc.rust-lang.org/cargo/reference/registries.html#using-an-alternate-registry. The credential provider
    /// line matters for auth-required registries: cargo sends no token to them unless one is configured.
    /// </summary>
    public string Registry(string baseUrl) =>
        $"""
        [registries.{RegistryName}]
        index = "sparse+{baseUrl}/index/"
        credential-provider = ["cargo:token"]
        """;

    public string Workflow() =>
        $"""
        cargo login --registry {RegistryName}
        cargo publish --registry {RegistryName}
        cargo add some-crate --registry {RegistryName}
        """;

    /// <summary>
    /// https://doc.rust-lang.org/cargo/reference/source-replacement.html: crates.io replaced by the index served at
    /// <paramref name="mountPath"/> (the proxy's crates-io upstream, or an offline mirror's Mirror:MountPath).
    /// </summary>
    public static string Mirror(string baseUrl, string mountPath, string sourceName) =>
        $"""
        [source.crates-io]
        replace-with = "{sourceName}"

        [source.{sourceName}]
        registry = "sparse+{baseUrl}/{mountPath.Trim('/')}/index/"
        """;

    /// <summary>
    /// `cargo add NAME[@VERSION] --registry R` (https://doc.rust-lang.org/cargo/commands/cargo-add.html): the version
    /// belongs to the crate spec, never to the registry option. Null <paramref name="version"/>: the one cargo picks.
    /// </summary>
    public string CargoAdd(string crate, string? version = null) =>
        $"cargo add {crate}{(version is null ? "" : "@" + version)} --registry {RegistryName}";

    /// <summary>
    /// `cargo install NAME[@VERSION] --registry R` (https://doc.rust-lang.org/cargo/commands/cargo-install.html): a
    /// bare version installs exactly that version.
    /// </summary>
    public string CargoInstall(string crate, string? version = null) =>
        $"cargo install {crate}{(version is null ? "" : "@" + version)} --registry {RegistryName}";

    public string ManifestLine(string crate, string version) => $"{crate} = {{ version = \"{version}\", registry = \"{RegistryName}\" }}";
}
