using GhostCrate.Core.Identity;

namespace GhostCrate.Data.Identity;

internal sealed class UserRow
{
    public const string Columns =
        "id AS Id, username AS Username, password_hash AS PasswordHash, is_admin AS IsAdmin, is_disabled AS IsDisabled, created_at AS CreatedAt, " +
        "is_read_only AS IsReadOnly, session_version AS SessionVersion, email AS Email, display_name AS DisplayName";

    public long Id { get; set; }
    public string Username { get; set; } = "";
    public string? PasswordHash { get; set; }
    public long IsAdmin { get; set; }
    public long IsDisabled { get; set; }
    public long CreatedAt { get; set; }
    public long IsReadOnly { get; set; }
    public long SessionVersion { get; set; }
    public string? Email { get; set; }
    public string? DisplayName { get; set; }

    public UserRecord ToRecord() =>
        new(Id, Username, PasswordHash, IsAdmin != 0, IsDisabled != 0, UnixTime.FromMs(CreatedAt), IsReadOnly != 0, SessionVersion, Email, DisplayName);
}

internal sealed class TokenRow
{
    public const string Columns =
        "id AS Id, user_id AS UserId, name AS Name, token_hash AS TokenHash, created_at AS CreatedAt, last_used_at AS LastUsedAt, " +
        "expires_at AS ExpiresAt, revoked_at AS RevokedAt, endpoint_scopes AS EndpointScopes, crate_scopes AS CrateScopes";

    public long Id { get; set; }
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    public string TokenHash { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? LastUsedAt { get; set; }
    public long? ExpiresAt { get; set; }
    public long? RevokedAt { get; set; }
    public string? EndpointScopes { get; set; }
    public string? CrateScopes { get; set; }

    public ApiTokenRecord ToRecord() => new(
        Id, UserId, Name, TokenHash, UnixTime.FromMs(CreatedAt), UnixTime.FromMs(LastUsedAt), UnixTime.FromMs(ExpiresAt),
        UnixTime.FromMs(RevokedAt), EndpointScopes, CrateScopes);
}
