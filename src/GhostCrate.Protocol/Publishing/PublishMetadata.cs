using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Publishing;

/// <summary>
/// The JSON metadata cargo sends at the start of a publish body.
/// https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish
/// </summary>
public sealed record PublishMetadata
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("vers")] public string Vers { get; init; } = "";
    [JsonPropertyName("deps")] public IReadOnlyList<PublishDependency> Deps { get; init; } = [];
    [JsonPropertyName("features")] public IReadOnlyDictionary<string, IReadOnlyList<string>> Features { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    [JsonPropertyName("authors")] public IReadOnlyList<string> Authors { get; init; } = [];
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("documentation")] public string? Documentation { get; init; }
    [JsonPropertyName("homepage")] public string? Homepage { get; init; }
    [JsonPropertyName("readme")] public string? Readme { get; init; }
    [JsonPropertyName("readme_file")] public string? ReadmeFile { get; init; }
    [JsonPropertyName("keywords")] public IReadOnlyList<string> Keywords { get; init; } = [];
    [JsonPropertyName("categories")] public IReadOnlyList<string> Categories { get; init; } = [];
    [JsonPropertyName("license")] public string? License { get; init; }
    [JsonPropertyName("license_file")] public string? LicenseFile { get; init; }
    [JsonPropertyName("repository")] public string? Repository { get; init; }
    [JsonPropertyName("links")] public string? Links { get; init; }
    [JsonPropertyName("rust_version")] public string? RustVersion { get; init; }
}

/// <summary>One dependency as cargo sends it when publishing.</summary>
public sealed record PublishDependency
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("version_req")] public string VersionReq { get; init; } = "";
    [JsonPropertyName("features")] public IReadOnlyList<string> Features { get; init; } = [];
    [JsonPropertyName("optional")] public bool Optional { get; init; }
    [JsonPropertyName("default_features")] public bool DefaultFeatures { get; init; } = true;
    [JsonPropertyName("target")] public string? Target { get; init; }
    /// <summary>"normal", "dev" or "build".</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "normal";
    /// <summary>Index URL of the dependency's registry; null means "the registry being published to".</summary>
    [JsonPropertyName("registry")] public string? Registry { get; init; }
    /// <summary>Set when the dependency is renamed in Cargo.toml (`foo = { package = "bar" }`): the local name.</summary>
    [JsonPropertyName("explicit_name_in_toml")] public string? ExplicitNameInToml { get; init; }
}
