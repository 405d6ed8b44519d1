using System.Text.Json.Serialization;

namespace GhostCrate.Web.Contracts;

/// <summary>
/// GhostCrate's per-crate read access (auth-required mode): a restricted crate is readable by its owners, its
/// organization's and teams' members and administrators only. Body of PUT /api/v1/crates/{name}/access.
/// </summary>
public sealed class CrateAccessBody
{
    [JsonPropertyName("restricted")] public bool? Restricted { get; init; }
}

/// <summary>Reply to GET /api/v1/crates/{name}/access.</summary>
public sealed record CrateAccessResponse([property: JsonPropertyName("restricted")] bool Restricted);

/// <summary>Reply to PUT /api/v1/crates/{name}/access.</summary>
public sealed record CrateAccessChangedResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("restricted")] bool Restricted);
