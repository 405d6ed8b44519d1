namespace GhostCrate.Core.Identity;

/// <summary>Port for users. Usernames are unique case-insensitively.</summary>
public interface IUserRepository
{
    Task<UserRecord?> FindByNameAsync(string username, CancellationToken cancellationToken);
    Task<UserRecord?> FindByIdAsync(long id, CancellationToken cancellationToken);
    /// <summary>Creates a user; null when the name is taken.</summary>
    Task<UserRecord?> CreateAsync(string username, string? passwordHash, bool isAdmin, DateTimeOffset now, CancellationToken cancellationToken);
    Task<long> CountAsync(CancellationToken cancellationToken);
    /// <summary>Sets the password hash and bumps the session version (every other session of the user ends).</summary>
    Task SetPasswordHashAsync(long userId, string passwordHash, CancellationToken cancellationToken);
    /// <summary>Changes the given flags (null = keep) and bumps the session version; false when the user is missing.</summary>
    Task<bool> UpdateFlagsAsync(long userId, UserFlags flags, CancellationToken cancellationToken);
    /// <summary>Users ordered by name; <paramref name="query"/> matches a substring of the name (case-insensitive).</summary>
    Task<UserPage> ListAsync(string? query, int offset, int limit, CancellationToken cancellationToken);
    /// <summary>Sets e-mail and display name (from a single sign-on profile).</summary>
    Task SetProfileAsync(long userId, string? email, string? displayName, CancellationToken cancellationToken);
}

/// <summary>Flags to change on a user; null leaves a flag as it is.</summary>
public sealed record UserFlags(bool? IsAdmin = null, bool? IsDisabled = null, bool? IsReadOnly = null);

public sealed record UserPage(IReadOnlyList<UserRecord> Users, long Total);

/// <summary>Port for API tokens.</summary>
public interface ITokenRepository
{
    Task<ApiTokenRecord> CreateAsync(NewApiToken token, CancellationToken cancellationToken);
    /// <summary>Finds a token by the hex SHA-256 of its secret, or null.</summary>
    Task<ApiTokenRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken);
    Task<ApiTokenRecord?> FindByIdAsync(long tokenId, CancellationToken cancellationToken);
    Task<IReadOnlyList<ApiTokenRecord>> ListForUserAsync(long userId, CancellationToken cancellationToken);
    Task TouchAsync(long tokenId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken);
    /// <summary>Revokes a token; false when missing or already revoked.</summary>
    Task<bool> RevokeAsync(long tokenId, DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>Revokes every live token of a user; returns how many were revoked.</summary>
    Task<int> RevokeAllForUserAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Port for identities from single sign-on providers, linked to local users.</summary>
public interface IExternalLoginRepository
{
    Task<long?> FindUserIdAsync(string provider, string subject, CancellationToken cancellationToken);
    /// <summary>Links an identity to a user; false when the identity is already linked.</summary>
    Task<bool> LinkAsync(string provider, string subject, long userId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Port for pending single sign-on logins: each state can be taken exactly once.</summary>
public interface ILoginStateRepository
{
    Task StoreAsync(PendingLogin login, CancellationToken cancellationToken);
    /// <summary>Removes and returns the pending login with this state hash if it has not expired; null otherwise (also on replay).</summary>
    Task<PendingLogin?> TakeAsync(string stateHash, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>A login started at a provider. <see cref="StateHash"/> is the SHA-256 of the state sent to the provider.</summary>
public sealed record PendingLogin(string StateHash, string Provider, string Nonce, string CodeVerifier, string? ReturnUrl, DateTimeOffset ExpiresAt);
