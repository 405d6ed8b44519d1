namespace GhostCrate.Web.Ui;

/// <summary>The copy-ready cargo configuration shown on the home, crate and account pages.</summary>
public static class CargoSnippets
{
    /// <summary>The name the snippets give this registry in cargo's configuration.</summary>
    public const string RegistryName = "ghostcrate";

    /// <summary>
    /// https://doc.rust-lang.org/cargo/reference/registries.html#using-an-alternate-registry. The credential provider
    /// line matters for auth-required registries: cargo sends no token to them unless one is configured.
    /// </summary>
    public static string Registry(string baseUrl) =>
        $"""
        [registries.{RegistryName}]
        index = "sparse+{baseUrl}/index/"
        credential-provider = ["cargo:token"]
        """;

    public static string Workflow() =>
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

    public static string CargoAdd(string crate) => $"cargo add {crate} --registry {RegistryName}";

    public static string ManifestLine(string crate, string version) => $"{crate} = {{ version = \"{version}\", registry = \"{RegistryName}\" }}";
}
