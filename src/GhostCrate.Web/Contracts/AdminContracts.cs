using System.Text.Json.Serialization;
using GhostCrate.Core.Audit;

namespace GhostCrate.Web.Contracts;

/// <summary>`meta.total` counts every match, not just the returned page.</summary>
public sealed record TotalMeta([property: JsonPropertyName("total")] long Total);

public sealed record UserListResponse(
    [property: JsonPropertyName("users")] IReadOnlyList<UserInfo> Users,
    [property: JsonPropertyName("meta")] TotalMeta Meta);

/// <summary>Body of POST /api/v1/admin/users; without a password the user can only sign in through single sign-on.</summary>
public sealed class NewUserBody
{
    [JsonPropertyName("username")] public string? Username { get; init; }
    [JsonPropertyName("password")] public string? Password { get; init; }
    [JsonPropertyName("admin")] public bool? Admin { get; init; }
    [JsonPropertyName("read_only")] public bool? ReadOnly { get; init; }
}

/// <summary>Body of PATCH /api/v1/admin/users/{name}: at least one flag.</summary>
public sealed class UserFlagsBody
{
    [JsonPropertyName("admin")] public bool? Admin { get; init; }
    [JsonPropertyName("disabled")] public bool? Disabled { get; init; }
    [JsonPropertyName("read_only")] public bool? ReadOnly { get; init; }
}

/// <summary>Body of POST /api/v1/admin/users/{name}/password; an empty body asks for a generated password.</summary>
public sealed class PasswordResetBody
{
    [JsonPropertyName("password")] public string? Password { get; init; }
}

/// <summary>`password` is the generated password (shown once), null when the caller chose it.</summary>
public sealed record PasswordResetResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("password")] string? Password);

/// <summary>How many tokens were revoked.</summary>
public sealed record TokensRevokedResponse([property: JsonPropertyName("revoked")] int Revoked);

public sealed record AuditEventsResponse([property: JsonPropertyName("events")] IReadOnlyList<AuditEventInfo> Events);

/// <summary>One audit log entry: who (user, token, address), what (action, target, details) and when.</summary>
public sealed record AuditEventInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("occurred_at")] DateTimeOffset OccurredAt,
    [property: JsonPropertyName("actor_id")] long? ActorId,
    [property: JsonPropertyName("actor")] string? Actor,
    [property: JsonPropertyName("token_id")] long? TokenId,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("target")] string? Target,
    [property: JsonPropertyName("details")] IReadOnlyDictionary<string, string?> Details)
{
    public static AuditEventInfo Of(AuditEvent e) => new(e.Id, e.OccurredAt, e.ActorId, e.ActorName, e.TokenId, e.Address, e.Action, e.Target, e.Details);
}
