using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>
/// Reply to `GET /api/v1/crates/{crate}/downloads` (and `/{version}/downloads`): crates.io's `version_downloads` rows
/// (https://crates.io/api/v1/crates/serde/downloads) plus per-day totals. Days are UTC dates (yyyy-MM-dd);
/// `version` is null for the whole crate.
/// </summary>
public sealed record CrateDownloadsResponse(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("version_downloads")] IReadOnlyList<VersionDownloads> VersionDownloads,
    [property: JsonPropertyName("totals")] IReadOnlyList<DayDownloads> Totals);

public sealed record VersionDownloads(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("version_id")] long VersionId,
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("downloads")] long Downloads);

public sealed record DayDownloads(
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("downloads")] long Downloads);
