namespace GhostCrate.Core.Identity;

/// <summary>
/// A user. <see cref="IsReadOnly"/> users may read (auth-required mode) but never write. <see cref="SessionVersion"/>
/// changes whenever every cookie session of the user must end (password change, disable, role change).
/// </summary>
public sealed record UserRecord(
    long Id,
    string Username,
    string? PasswordHash,
    bool IsAdmin,
    bool IsDisabled,
    DateTimeOffset CreatedAt,
    bool IsReadOnly = false,
    long SessionVersion = 0,
    string? Email = null,
    string? DisplayName = null);

/// <summary>An API token row. Only the SHA-256 of the token is stored (hex, lowercase).</summary>
public sealed record ApiTokenRecord(
    long Id,
    long UserId,
    string Name,
    string TokenHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    /// <summary>Space-separated endpoint scopes, null = all.</summary>
    string? EndpointScopes,
    /// <summary>Space-separated crate scopes (exact names and prefix*), null = all.</summary>
    string? CrateScopes);

public sealed record NewApiToken(
    long UserId,
    string Name,
    string TokenHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    string? EndpointScopes,
    string? CrateScopes);
