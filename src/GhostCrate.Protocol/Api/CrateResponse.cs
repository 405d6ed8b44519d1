using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>
/// Reply to `GET /api/v1/crates/{crate}`: not part of Cargo's API, but the shape crates.io answers
/// (https://crates.io/api/v1/crates/serde), which scripts and the web UI read. Versions newest first.
/// </summary>
public sealed record CrateResponse(
    [property: JsonPropertyName("crate")] CrateSummary Crate,
    [property: JsonPropertyName("versions")] IReadOnlyList<CrateVersionSummary> Versions);

public sealed record CrateSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("max_version")] string? MaxVersion,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("downloads")] long Downloads,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

/// <summary>`num` is the version as published; `checksum` the SHA-256 of the .crate file (hex), as in the index's `cksum`.</summary>
public sealed record CrateVersionSummary(
    [property: JsonPropertyName("num")] string Num,
    [property: JsonPropertyName("yanked")] bool Yanked,
    [property: JsonPropertyName("checksum")] string Checksum,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("downloads")] long Downloads,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("license")] string? License);
