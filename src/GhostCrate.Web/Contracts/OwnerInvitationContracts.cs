using System.Text.Json.Serialization;
using GhostCrate.Core.Crates;

namespace GhostCrate.Web.Contracts;

/// <summary>One open invitation to own a crate, in crates.io's field names (its v1 crate owner invitations).</summary>
public sealed record CrateOwnerInvitationInfo(
    [property: JsonPropertyName("crate_id")] long CrateId,
    [property: JsonPropertyName("crate_name")] string CrateName,
    [property: JsonPropertyName("invitee_id")] long InviteeId,
    [property: JsonPropertyName("invitee_username")] string InviteeUsername,
    [property: JsonPropertyName("inviter_id")] long? InviterId,
    [property: JsonPropertyName("invited_by_username")] string? InvitedByUsername,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt)
{
    public static CrateOwnerInvitationInfo Of(OwnerInvitationRecord i) =>
        new(i.CrateId, i.CrateName, i.UserId, i.Username, i.InvitedById, i.InvitedBy, i.CreatedAt, i.ExpiresAt);
}

public sealed record CrateOwnerInvitationsResponse(
    [property: JsonPropertyName("crate_owner_invitations")] IReadOnlyList<CrateOwnerInvitationInfo> Invitations);

/// <summary>Body of PUT /api/v1/me/crate_owner_invitations/{crate}: crates.io's <c>{"crate_owner_invite":{"accepted":true}}</c>.</summary>
public sealed class CrateOwnerInvitationAnswerBody
{
    [JsonPropertyName("crate_owner_invite")] public CrateOwnerInvitationAnswer? Invite { get; init; }
}

public sealed class CrateOwnerInvitationAnswer
{
    [JsonPropertyName("accepted")] public bool? Accepted { get; init; }
}

public sealed record CrateOwnerInvitationAnswered(
    [property: JsonPropertyName("crate_id")] long CrateId,
    [property: JsonPropertyName("crate_name")] string CrateName,
    [property: JsonPropertyName("accepted")] bool Accepted);

/// <summary>crates.io's answer to an accept or decline.</summary>
public sealed record CrateOwnerInvitationAnswerResponse(
    [property: JsonPropertyName("crate_owner_invitation")] CrateOwnerInvitationAnswered Invitation);
