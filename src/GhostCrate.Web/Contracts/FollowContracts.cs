using System.Text.Json.Serialization;
using GhostCrate.Core.Following;

namespace GhostCrate.Web.Contracts;

/// <summary>A followed crate; <c>exists</c> is false once the crate was deleted (the follow stays until removed).</summary>
public sealed record FollowedCrateInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("exists")] bool Exists);

/// <summary>A followed organization.</summary>
public sealed record FollowedOrgInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("since")] DateTimeOffset Since);

/// <summary>GET /api/v1/me/following, and the answer of following or unfollowing: everything the caller follows.</summary>
public sealed record FollowingResponse(
    [property: JsonPropertyName("crates")] IReadOnlyList<FollowedCrateInfo> Crates,
    [property: JsonPropertyName("orgs")] IReadOnlyList<FollowedOrgInfo> Orgs)
{
    public static FollowingResponse Of(FollowList list) => new(
        [.. list.Crates.Select(c => new FollowedCrateInfo(c.Name, c.Since, c.Exists))],
        [.. list.Orgs.Select(o => new FollowedOrgInfo(o.Name, o.Since))]);
}
