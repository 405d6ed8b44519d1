namespace GhostCrate.Core.Identity;

/// <summary>Port for users. Usernames are unique case-insensitively.</summary>
public interface IUserRepository
{
    Task<UserRecord?> FindByNameAsync(string username, CancellationToken cancellationToken);
    Task<UserRecord?> FindByIdAsync(long id, CancellationToken cancellationToken);
    /// <summary>Creates a user; null when the name is taken.</summary>
    Task<UserRecord?> CreateAsync(string username, string? passwordHash, bool isAdmin, DateTimeOffset now, CancellationToken cancellationToken);
    Task<long> CountAsync(CancellationToken cancellationToken);
    Task SetPasswordHashAsync(long userId, string passwordHash, CancellationToken cancellationToken);
}

/// <summary>Port for API tokens.</summary>
public interface ITokenRepository
{
    Task<ApiTokenRecord> CreateAsync(NewApiToken token, CancellationToken cancellationToken);
    /// <summary>Finds a token by the hex SHA-256 of its secret, or null.</summary>
    Task<ApiTokenRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken);
    Task<IReadOnlyList<ApiTokenRecord>> ListForUserAsync(long userId, CancellationToken cancellationToken);
    Task TouchAsync(long tokenId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken);
    /// <summary>Revokes a token; false when missing or already revoked.</summary>
    Task<bool> RevokeAsync(long tokenId, DateTimeOffset now, CancellationToken cancellationToken);
}
