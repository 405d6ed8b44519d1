using System.Text.Json.Serialization;
using GhostCrate.Core.Identity;

namespace GhostCrate.Web.Contracts;

/// <summary>A user as the account and admin API show it (never the password hash: only whether there is one).</summary>
public sealed record UserInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("login")] string Login,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("read_only")] bool ReadOnly,
    [property: JsonPropertyName("disabled")] bool Disabled,
    [property: JsonPropertyName("has_password")] bool HasPassword,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static UserInfo Of(UserRecord user) => new(
        user.Id, user.Username, user.DisplayName, user.Email, user.IsAdmin, user.IsReadOnly, user.IsDisabled, user.PasswordHash is not null, user.CreatedAt);
}

/// <summary>`{"user": {...}}`, crates.io's envelope for one user.</summary>
public sealed record UserResponse([property: JsonPropertyName("user")] UserInfo User)
{
    public static UserResponse Of(UserRecord user) => new(UserInfo.Of(user));
}

/// <summary>Reply to GET /api/v1/me: the caller and how they authenticated.</summary>
public sealed record MeResponse(
    [property: JsonPropertyName("user")] UserInfo User,
    [property: JsonPropertyName("auth")] MeAuth Auth);

/// <summary>`via` is "session" or "token"; a scoped token cannot manage the account (tokens, password).</summary>
public sealed record MeAuth(
    [property: JsonPropertyName("via")] string Via,
    [property: JsonPropertyName("token_id")] long? TokenId,
    [property: JsonPropertyName("can_manage_account")] bool CanManageAccount);

/// <summary>
/// An API token, shaped like crates.io's (https://github.com/rust-lang/crates.io/blob/main/src/controllers/token.rs).
/// `token` (the secret) is only set in the reply that created it; scopes are null when unrestricted.
/// </summary>
public sealed record ApiTokenInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("last_used_at")] DateTimeOffset? LastUsedAt,
    [property: JsonPropertyName("expired_at")] DateTimeOffset? ExpiredAt,
    [property: JsonPropertyName("revoked_at")] DateTimeOffset? RevokedAt,
    [property: JsonPropertyName("endpoint_scopes")] IReadOnlyList<string>? EndpointScopes,
    [property: JsonPropertyName("crate_scopes")] IReadOnlyList<string>? CrateScopes)
{
    public static ApiTokenInfo Of(ApiTokenRecord token, string? secret) => new(
        token.Id, token.Name, secret, token.CreatedAt, token.LastUsedAt, token.ExpiresAt, token.RevokedAt, Split(token.EndpointScopes), Split(token.CrateScopes));

    private static string[]? Split(string? value) => value?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

public sealed record ApiTokenResponse([property: JsonPropertyName("api_token")] ApiTokenInfo ApiToken);

public sealed record ApiTokenListResponse([property: JsonPropertyName("api_tokens")] IReadOnlyList<ApiTokenInfo> ApiTokens);

/// <summary>`{}`: crates.io's reply to a token revocation.</summary>
public sealed record EmptyResponse
{
    public static EmptyResponse Instance { get; } = new();
}

/// <summary>
/// Body of PUT /api/v1/me/tokens: crates.io's `{"api_token": {...}}`, or the same fields at the top level.
/// </summary>
public sealed class ApiTokenCreateBody : ApiTokenFields
{
    [JsonPropertyName("api_token")] public ApiTokenFields? ApiToken { get; init; }
}

/// <summary>
/// A new token's name, endpoint scopes (publish-new, publish-update, yank, change-owners; none given: all), crate
/// scopes (names or `prefix*` patterns; none given: all crates) and expiry (none: never).
/// </summary>
public class ApiTokenFields
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("endpoint_scopes")] public List<string>? EndpointScopes { get; init; }
    [JsonPropertyName("crate_scopes")] public List<string>? CrateScopes { get; init; }
    [JsonPropertyName("expired_at")] public DateTimeOffset? ExpiredAt { get; init; }
}

/// <summary>Body of PUT /api/v1/me/password.</summary>
public sealed class PasswordChangeBody
{
    [JsonPropertyName("current_password")] public string? CurrentPassword { get; init; }
    [JsonPropertyName("new_password")] public string? NewPassword { get; init; }
}
