using System.Text.Json.Serialization;

namespace GhostCrate.Web.Contracts;

/// <summary>POST body of a transfer: the crate to move, and whether its user owners stay owners (default: they are removed).</summary>
public sealed record CrateTransferBody(
    [property: JsonPropertyName("crate")] string? Crate,
    [property: JsonPropertyName("keep_owners")] bool KeepOwners = false);

/// <summary>A transfer's outcome: `removed_owners` are the users who no longer own the crate.</summary>
public sealed record CrateTransferDto(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("org")] string Org,
    [property: JsonPropertyName("org_added")] bool OrgAdded,
    [property: JsonPropertyName("removed_owners")] IReadOnlyList<string> RemovedOwners);
