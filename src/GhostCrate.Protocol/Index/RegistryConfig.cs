using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Index;

/// <summary>
/// The index's `config.json` (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration).
/// `dl` may contain the markers {crate}, {version}, {prefix}, {lowerprefix}, {sha256-checksum}.
/// </summary>
public sealed record RegistryConfig(
    [property: JsonPropertyName("dl")] string Dl,
    [property: JsonPropertyName("api")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Api,
    // Only meaningful when true (cargo then sends a token on every index and download request,
    // https://doc.rust-lang.org/cargo/reference/registry-authentication.html); omitted otherwise.
    [property: JsonPropertyName("auth-required")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    bool AuthRequired = false);
