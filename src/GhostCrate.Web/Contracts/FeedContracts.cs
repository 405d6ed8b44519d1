using System.Text.Json.Serialization;

namespace GhostCrate.Web.Contracts;

/// <summary>GET /api/v1/me/feeds: the caller's feed token and the feed URLs that carry it.</summary>
public sealed record FeedUrlsResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("new_crates")] string NewCrates,
    [property: JsonPropertyName("updates")] string Updates,
    [property: JsonPropertyName("crate_template")] string CrateTemplate);
