using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Identity;

/// <summary>
/// First start: an empty database gets the user `admin`, with GHOSTCRATE_ADMIN_PASSWORD or a random password that
/// is returned once for printing. GHOSTCRATE_ADMIN_TOKEN, when set, becomes a valid token of `admin` so scripts can
/// publish at once; it is stored hashed like every other token.
/// </summary>
public sealed class AdminBootstrap(IUserRepository users, ITokenRepository tokens, UserService userService, TimeProvider time, ILogger<AdminBootstrap> logger)
{
    public const string AdminUser = "admin";
    public const int MinimumTokenLength = 16;

    public async Task<BootstrapResult> RunAsync(string? adminPassword, string? adminToken, CancellationToken cancellationToken)
    {
        string? generatedPassword = null;
        var created = false;
        var admin = await users.FindByNameAsync(AdminUser, cancellationToken);
        if (admin is null && await users.CountAsync(cancellationToken) == 0)
        {
            var password = string.IsNullOrEmpty(adminPassword) ? generatedPassword = PasswordHasher.GeneratePassword() : adminPassword;
            admin = await users.CreateAsync(AdminUser, PasswordHasher.Hash(password), isAdmin: true, time.GetUtcNow(), cancellationToken);
            // Another node may have won the race; fall back to the row it created.
            admin ??= await users.FindByNameAsync(AdminUser, cancellationToken);
            created = admin is not null;
            if (created) logger.LogInformation("Created the initial administrator {User}", AdminUser);
            else generatedPassword = null;
        }

        if (!string.IsNullOrEmpty(adminToken) && admin is not null)
        {
            var existing = await tokens.FindByHashAsync(TokenSecrets.Hash(adminToken), cancellationToken);
            if (existing is null)
            {
                await userService.IssueAsync(admin, "GHOSTCRATE_ADMIN_TOKEN", adminToken, expiresAt: null, TokenScopes.Unrestricted, cancellationToken);
            }
            else if (existing.UserId != admin.Id || existing.RevokedAt is not null)
            {
                logger.LogWarning("GHOSTCRATE_ADMIN_TOKEN matches a token that is revoked or belongs to another user; it was not re-issued");
            }
        }
        return new BootstrapResult(created, generatedPassword);
    }
}

/// <summary><see cref="GeneratedPassword"/> is set only when a random password was created and must be shown once.</summary>
public sealed record BootstrapResult(bool AdminCreated, string? GeneratedPassword);
