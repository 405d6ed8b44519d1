using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>Reply to `GET /api/v1/crates?q=...` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#search).</summary>
public sealed record SearchResponse(
    [property: JsonPropertyName("crates")] IReadOnlyList<SearchCrate> Crates,
    [property: JsonPropertyName("meta")] SearchMeta Meta);

/// <summary>`description` is always written (null when the crate has none); cargo prints it next to the name.</summary>
public sealed record SearchCrate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("max_version")] string MaxVersion,
    [property: JsonPropertyName("description")] string? Description);

/// <summary>`total` counts all matches, not just the returned page.</summary>
public sealed record SearchMeta([property: JsonPropertyName("total")] long Total);
