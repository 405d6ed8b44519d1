using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>Reply to `GET /api/v1/crates?q=...` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#search).</summary>
public sealed record SearchResponse(
    [property: JsonPropertyName("crates")] IReadOnlyList<SearchCrate> Crates,
    [property: JsonPropertyName("meta")] SearchMeta Meta);

/// <summary>
/// `description` is always written (null when the crate has none); cargo prints it next to the name. Cargo reads only
/// name, max_version and description; the rest is crates.io's shape for scripts and is left out when unknown:
/// `downloads` and `updated_at` for this registry's crates, `registry` (the upstream's name) for a hit that a proxied
/// upstream contributed.
/// </summary>
public sealed record SearchCrate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("max_version")] string MaxVersion,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("downloads")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    long? Downloads = null,
    [property: JsonPropertyName("updated_at")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    DateTimeOffset? UpdatedAt = null,
    [property: JsonPropertyName("registry")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Registry = null);

/// <summary>`total` counts all matches, not just the returned page.</summary>
public sealed record SearchMeta([property: JsonPropertyName("total")] long Total);
