using System.Text.Json.Serialization;

namespace GhostCrate.Protocol.Api;

/// <summary>Reply to `GET /api/v1/crates/{crate}/owners` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-list).</summary>
public sealed record OwnersResponse([property: JsonPropertyName("users")] IReadOnlyList<OwnerUser> Users);

/// <summary>
/// One owner; `name` is the display name and may be null (it is always written, as crates.io does). `kind` is
/// crates.io's: "user", or "team" for a group (crates.io's GitHub teams; here an organization `org:acme` or one of its
/// teams `org:acme:team`).
/// </summary>
public sealed record OwnerUser(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("login")] string Login,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("kind")] string Kind = OwnerUser.UserKind)
{
    public const string UserKind = "user";
    public const string TeamKind = "team";
}
