using GhostCrate.Core.Abstractions;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Identity;

/// <summary>Creates users and API tokens (shared by the CLI, the first-start bootstrap and, later, the web UI).</summary>
public sealed class UserService(
    IUserRepository users,
    ITokenRepository tokens,
    TimeProvider time,
    ILogger<UserService> logger)
{
    public static string? ValidateUsername(string username)
    {
        if (username.Length is 0 or > 64) return "user names must be 1 to 64 characters long";
        if (!char.IsAsciiLetterOrDigit(username[0])) return "user names must start with an ASCII letter or digit";
        foreach (var c in username)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return $"user names may only contain ASCII letters, digits, '-', '_' and '.' (found '{c}')";
        }
        return null;
    }

    public async Task<Result<UserRecord>> CreateUserAsync(string username, string? password, bool isAdmin, CancellationToken cancellationToken)
    {
        if (ValidateUsername(username) is { } problem) return RegistryError.BadRequest($"invalid user name `{username}`: {problem}");
        if (password is not null && password.Length < 8) return RegistryError.BadRequest("passwords must be at least 8 characters long");
        var hash = password is null ? null : PasswordHasher.Hash(password);
        var user = await users.CreateAsync(username, hash, isAdmin, time.GetUtcNow(), cancellationToken);
        if (user is null) return RegistryError.Conflict($"a user named `{username}` already exists");
        logger.LogInformation("Created user {User} (admin: {IsAdmin})", user.Username, user.IsAdmin);
        return Result<UserRecord>.Ok(user);
    }

    /// <summary>Creates a token and returns its secret, which is never stored and cannot be shown again.</summary>
    public async Task<Result<CreatedToken>> CreateTokenAsync(string username, string name, DateTimeOffset? expiresAt, TokenScopes scopes, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(username, cancellationToken);
        if (user is null) return RegistryError.NotFound($"user `{username}` does not exist");
        return Result<CreatedToken>.Ok(await IssueAsync(user, name, TokenSecrets.Generate(), expiresAt, scopes, cancellationToken));
    }

    internal async Task<CreatedToken> IssueAsync(UserRecord user, string name, string secret, DateTimeOffset? expiresAt, TokenScopes scopes, CancellationToken cancellationToken)
    {
        var record = await tokens.CreateAsync(
            new NewApiToken(
                user.Id,
                name,
                TokenSecrets.Hash(secret),
                time.GetUtcNow(),
                expiresAt,
                scopes.Endpoints is null ? null : string.Join(' ', scopes.Endpoints),
                scopes.Crates is null ? null : string.Join(' ', scopes.Crates)),
            cancellationToken);
        logger.LogInformation("Created API token {TokenId} {TokenName} for {User}", record.Id, record.Name, user.Username);
        return new CreatedToken(record, secret);
    }
}

public sealed record CreatedToken(ApiTokenRecord Record, string Secret);
