using System.Text.Json.Serialization;
using GhostCrate.Core.Organizations;

namespace GhostCrate.Web.Contracts;

public sealed record OrgInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static OrgInfo Of(OrganizationRecord org) => new(org.Name, org.CreatedAt);
}

/// <summary>An organization the caller belongs to, with the caller's role (owner, admin, member, contributor).</summary>
public sealed record MyOrgInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

public sealed record MyOrgsResponse([property: JsonPropertyName("orgs")] IReadOnlyList<MyOrgInfo> Orgs);

public sealed record OrgListResponse(
    [property: JsonPropertyName("orgs")] IReadOnlyList<OrgInfo> Orgs,
    [property: JsonPropertyName("meta")] TotalMeta Meta);

/// <summary>`role` is the caller's (null for an administrator who is not a member); members and teams are null when the caller may not list them.</summary>
public sealed record OrgDetailsResponse(
    [property: JsonPropertyName("org")] OrgInfo Org,
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("members")] IReadOnlyList<MemberInfo>? Members,
    [property: JsonPropertyName("teams")] IReadOnlyList<TeamInfo>? Teams);

public sealed record MemberInfo(
    [property: JsonPropertyName("login")] string Login,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("since")] DateTimeOffset Since)
{
    public static MemberInfo Of(OrgMemberRecord m) => new(m.Username, m.Role.ToStored(), m.CreatedAt);
}

public sealed record MembersResponse([property: JsonPropertyName("members")] IReadOnlyList<MemberInfo> Members);

public sealed record TeamInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static TeamInfo Of(TeamRecord t) => new(t.Name, t.CreatedAt);
}

public sealed record TeamsResponse([property: JsonPropertyName("teams")] IReadOnlyList<TeamInfo> Teams);

public sealed record InvitationInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("org")] string Org,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("invited_by")] string? InvitedBy,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt)
{
    public static InvitationInfo Of(InvitationRecord i) => new(i.Id, i.OrgName, i.Username, i.Role.ToStored(), i.InvitedBy, i.CreatedAt, i.ExpiresAt);
}

public sealed record InvitationsResponse([property: JsonPropertyName("invitations")] IReadOnlyList<InvitationInfo> Invitations);

/// <summary>The caller joined `org` with `role`.</summary>
public sealed record InvitationAcceptedResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("org")] string Org,
    [property: JsonPropertyName("role")] string Role);

/// <summary>`added` is false when the user already was in the team.</summary>
public sealed record TeamMemberAddedResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("added")] bool Added);

/// <summary>Body of POST /api/v1/orgs, POST /api/v1/orgs/{org}/teams and PATCH /api/v1/orgs/{org} (the new name).</summary>
public sealed class NameBody
{
    [JsonPropertyName("name")] public string? Name { get; init; }
}

/// <summary>Body of PUT /api/v1/orgs/{org}/members/{user}: owner, admin, member or contributor.</summary>
public sealed class RoleBody
{
    [JsonPropertyName("role")] public string? Role { get; init; }
}

/// <summary>Body of POST /api/v1/orgs/{org}/invitations; the role defaults to member.</summary>
public sealed class InvitationBody
{
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("role")] public string? Role { get; init; }
}
