using System.Text.Json.Serialization;
using GhostCrate.Core.Following;

namespace GhostCrate.Web.Contracts;

/// <summary>A followed crate, by its name as published; deleting the crate ends the follow (it leaves this list).</summary>
public sealed record FollowedCrateInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("since")] DateTimeOffset Since);

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
        [.. list.Crates.Select(c => new FollowedCrateInfo(c.Name, c.Since))],
        [.. list.Orgs.Select(o => new FollowedOrgInfo(o.Name, o.Since))]);
}
