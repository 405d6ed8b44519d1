using System.Text.Json.Serialization;
using GhostCrate.Core.Deletion;

namespace GhostCrate.Web.Contracts;

/// <summary>A deleted version (its tombstone): `crate_deleted` is true when the whole crate is gone.</summary>
public sealed record DeletedVersionDto(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("deleted_at")] DateTimeOffset DeletedAt,
    [property: JsonPropertyName("deleted_by")] string? DeletedBy,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("crate_deleted")] bool CrateDeleted)
{
    public static DeletedVersionDto Of(DeletedVersion v) => new(v.Crate, v.Version, v.DeletedAt, v.DeletedBy, v.Reason, v.CrateDeleted);
}

public sealed record DeletedVersionsResponse(
    [property: JsonPropertyName("deleted")] IReadOnlyList<DeletedVersionDto> Deleted,
    [property: JsonPropertyName("meta")] TotalMeta Meta);
