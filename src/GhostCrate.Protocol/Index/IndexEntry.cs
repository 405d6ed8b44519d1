using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Index;

/// <summary>
/// One line of a sparse index file.
/// https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema
/// </summary>
public sealed record IndexEntry
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("vers")] public string Vers { get; init; } = "";
    [JsonPropertyName("deps")] public IReadOnlyList<IndexDependency> Deps { get; init; } = [];
    [JsonPropertyName("cksum")] public string Cksum { get; init; } = "";
    [JsonPropertyName("features")] public IReadOnlyDictionary<string, IReadOnlyList<string>> Features { get; init; } = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
    [JsonPropertyName("yanked")] public bool Yanked { get; init; }
    [JsonPropertyName("links")] public string? Links { get; init; }
    /// <summary>2 when <see cref="Features2"/> is present; older cargo skips entries with a v it does not know.</summary>
    [JsonPropertyName("v")] public int V { get; init; } = 1;
    [JsonPropertyName("features2")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Features2 { get; init; }
    [JsonPropertyName("rust_version")] public string? RustVersion { get; init; }
    /// <summary>Publish time, RFC 3339 UTC (crates.io writes it; cargo reads it for `-Zindex-pubtime`-style resolution).</summary>
    [JsonPropertyName("pubtime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pubtime { get; init; }
}

/// <summary>One dependency in an index line.</summary>
public sealed record IndexDependency
{
    /// <summary>The name used in Cargo.toml (the rename when renamed).</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("req")] public string Req { get; init; } = "";
    [JsonPropertyName("features")] public IReadOnlyList<string> Features { get; init; } = [];
    [JsonPropertyName("optional")] public bool Optional { get; init; }
    [JsonPropertyName("default_features")] public bool DefaultFeatures { get; init; } = true;
    [JsonPropertyName("target")] public string? Target { get; init; }
    [JsonPropertyName("kind")] public string Kind { get; init; } = "normal";
    [JsonPropertyName("registry")] public string? Registry { get; init; }
    /// <summary>The real crate name when the dependency is renamed; omitted otherwise.</summary>
    [JsonPropertyName("package")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Package { get; init; }
}
