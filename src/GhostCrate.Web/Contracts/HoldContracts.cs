using System.Text.Json.Serialization;
using GhostCrate.Core.Holds;

namespace GhostCrate.Web.Contracts;

/// <summary>A version held for an administrator's approval (docs/security.md "Approval hold"); `reason` says why.</summary>
public sealed record HeldVersionDto(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("published_by")] string? PublishedBy,
    [property: JsonPropertyName("held_at")] DateTimeOffset HeldAt,
    [property: JsonPropertyName("checksum")] string Checksum,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("new_crate")] bool NewCrate)
{
    public static HeldVersionDto Of(HeldVersion v) => new(v.Crate, v.Version, v.Reason, v.PublishedBy, v.HeldAt, v.Checksum, v.Size, v.NewCrate);
}

public sealed record HeldVersionsResponse([property: JsonPropertyName("held")] IReadOnlyList<HeldVersionDto> Held);

/// <summary>POST body of a rejection: why (required; written to the audit log).</summary>
public sealed record RejectHeldBody([property: JsonPropertyName("reason")] string? Reason);

/// <summary>A rejection's outcome: `crate_removed` is true when the crate had no other version and is gone (its name is free).</summary>
public sealed record RejectedVersionDto(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("crate_removed")] bool CrateRemoved);
