using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Identity;

/// <summary>
/// Local accounts: password sign-in, password change and reset, and the administrator's switches (disable, promote,
/// read-only). Every change is audited; passwords never reach a log or the audit log.
/// </summary>
public sealed class AccountService(
    IUserRepository users,
    ITokenRepository tokens,
    UserService userService,
    AuditLog audit,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    Analytics.UsageCounter usage,
    ILogger<AccountService> logger)
{
    public const int MaxPasswordLength = 1024;
    private const string WrongCredentials = "wrong user name or password";

    // Verified against when the user does not exist, so an unknown name costs as much time as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash(PasswordHasher.GeneratePassword()));

    /// <summary>Checks a user name and password. Failures say nothing about which part was wrong.</summary>
    public async Task<Result<UserRecord>> VerifyPasswordAsync(string username, string password, CancellationToken cancellationToken)
    {
        var result = await CheckPasswordAsync(username, password, cancellationToken);
        Operations.GhostCrateMetrics.SignIn(result.IsSuccess, "password");
        return result;
    }

    private async Task<Result<UserRecord>> CheckPasswordAsync(string username, string password, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowPasswordLogin) return RegistryError.Forbidden("password sign-in is turned off on this registry; use single sign-on");
        username = username.Trim();
        // A name that matches no user is never recorded: people type their password into the name field.
        if (username.Length is 0 or > 64 || password.Length is 0 or > MaxPasswordLength)
        {
            await audit.RecordAnonymousAsync(null, AuditActions.LoginFailed, null, Details(("reason", "malformed")), cancellationToken);
            return RegistryError.Unauthorized(WrongCredentials);
        }
        var user = await users.FindByNameAsync(username, cancellationToken);
        var ok = PasswordHasher.Verify(password, user?.PasswordHash ?? DummyHash.Value) && user?.PasswordHash is not null;
        if (user is null || !ok)
        {
            await audit.RecordAnonymousAsync(user?.Username, AuditActions.LoginFailed, user is null ? null : $"user:{user.Username}", Details(("reason", user is null ? "unknown user" : "wrong password")), cancellationToken);
            return RegistryError.Unauthorized(WrongCredentials);
        }
        if (user.IsDisabled)
        {
            await audit.RecordAnonymousAsync(user.Username, AuditActions.LoginFailed, $"user:{user.Username}", Details(("reason", "disabled")), cancellationToken);
            return RegistryError.Forbidden("this account is disabled; ask an administrator");
        }
        await audit.RecordAsync(Principal.ForSession(user), AuditActions.LoginSucceeded, $"user:{user.Username}", Details(("method", "password")), cancellationToken);
        return Result<UserRecord>.Ok(user);
    }

    /// <summary>The user behind a cookie session, or null when it must end (deleted, disabled, or sessions revoked since).</summary>
    public async Task<UserRecord?> ResolveSessionAsync(long userId, long sessionVersion, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null || user.IsDisabled || user.SessionVersion != sessionVersion) return null;
        usage.Seen(Analytics.ActorKind.User, user.Id); // the day's active users (analytics), in memory until the next flush
        return user;
    }

    public Task<UserRecord?> FindAsync(string username, CancellationToken cancellationToken) => users.FindByNameAsync(username, cancellationToken);

    public Task<UserRecord?> FindByIdAsync(long userId, CancellationToken cancellationToken) => users.FindByIdAsync(userId, cancellationToken);

    /// <summary>Changes the caller's own password; every other session ends. Returns the user with its new session version.</summary>
    public async Task<Result<UserRecord>> ChangePasswordAsync(Principal caller, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var user = await users.FindByIdAsync(caller.UserId, cancellationToken);
        if (user is null) return RegistryError.NotFound("your account no longer exists");
        // An account created by single sign-on has no password to confirm; it may set one only through an admin reset.
        if (!PasswordHasher.Verify(currentPassword, user.PasswordHash)) return RegistryError.BadRequest("the current password is not correct");
        if (ValidatePassword(newPassword) is { } weak) return weak;
        await users.SetPasswordHashAsync(user.Id, PasswordHasher.Hash(newPassword), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.PasswordChanged, $"user:{user.Username}", cancellationToken);
        logger.LogInformation("User {User} changed their password", user.Username);
        return Result<UserRecord>.Ok((await users.FindByIdAsync(user.Id, cancellationToken))!);
    }

    /// <summary>An administrator sets a new password (generated when <paramref name="newPassword"/> is null, returned once).</summary>
    public async Task<Result<string>> ResetPasswordAsync(Principal caller, string username, string? newPassword, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var user = await users.FindByNameAsync(username, cancellationToken);
        if (user is null) return RegistryError.NotFound($"user `{username}` does not exist");
        var password = newPassword ?? PasswordHasher.GeneratePassword();
        if (ValidatePassword(password) is { } weak) return weak;
        await users.SetPasswordHashAsync(user.Id, PasswordHasher.Hash(password), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.PasswordReset, $"user:{user.Username}", Details(("generated", newPassword is null ? "true" : "false")), cancellationToken);
        logger.LogInformation("Password of {User} reset by {Admin}", user.Username, caller.Username);
        return Result<string>.Ok(password);
    }

    public async Task<Result<UserRecord>> CreateUserAsync(Principal caller, string username, string? password, bool isAdmin, bool isReadOnly, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (password is not null && ValidatePassword(password) is { } weak) return weak;
        var created = await userService.CreateUserAsync(username, password, isAdmin, cancellationToken);
        if (created.Error is { } error) return error;
        var user = created.Value!;
        if (isReadOnly)
        {
            await users.UpdateFlagsAsync(user.Id, new UserFlags(IsReadOnly: true), cancellationToken);
            user = (await users.FindByIdAsync(user.Id, cancellationToken))!;
        }
        await audit.RecordAsync(caller, AuditActions.UserCreated, $"user:{user.Username}", Details(("admin", Flag(isAdmin)), ("read_only", Flag(isReadOnly))), cancellationToken);
        return Result<UserRecord>.Ok(user);
    }

    /// <summary>Disabling ends the user's sessions and makes every token of the user fail (tokens stay, enabling restores them).</summary>
    public Task<Result<UserRecord>> SetDisabledAsync(Principal caller, string username, bool disabled, CancellationToken cancellationToken) =>
        SetFlagAsync(caller, username, new UserFlags(IsDisabled: disabled), disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, cancellationToken);

    public Task<Result<UserRecord>> SetAdminAsync(Principal caller, string username, bool isAdmin, CancellationToken cancellationToken) =>
        SetFlagAsync(caller, username, new UserFlags(IsAdmin: isAdmin), isAdmin ? AuditActions.UserPromoted : AuditActions.UserDemoted, cancellationToken);

    public Task<Result<UserRecord>> SetReadOnlyAsync(Principal caller, string username, bool readOnly, CancellationToken cancellationToken) =>
        SetFlagAsync(caller, username, new UserFlags(IsReadOnly: readOnly), readOnly ? AuditActions.UserReadOnlySet : AuditActions.UserReadWriteSet, cancellationToken);

    public async Task<Result<UserPage>> ListAsync(Principal caller, string? query, int page, int perPage, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        perPage = Math.Clamp(perPage, 1, 500);
        page = Math.Max(page, 1);
        return Result<UserPage>.Ok(await users.ListAsync(query, (page - 1) * perPage, perPage, cancellationToken));
    }

    /// <summary>Revokes every token of a user (a leaked laptop, a leaver).</summary>
    public async Task<Result<int>> RevokeTokensAsync(Principal caller, string username, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var user = await users.FindByNameAsync(username, cancellationToken);
        if (user is null) return RegistryError.NotFound($"user `{username}` does not exist");
        var count = await tokens.RevokeAllForUserAsync(user.Id, time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.TokensRevokedByAdmin, $"user:{user.Username}", Details(("count", count.ToString(System.Globalization.CultureInfo.InvariantCulture))), cancellationToken);
        logger.LogInformation("{Count} token(s) of {User} revoked by {Admin}", count, user.Username, caller.Username);
        return Result<int>.Ok(count);
    }

    public RegistryError? ValidatePassword(string password)
    {
        var min = options.Value.MinPasswordLength;
        if (password.Length < min) return RegistryError.BadRequest($"passwords must be at least {min} characters long");
        if (password.Length > MaxPasswordLength) return RegistryError.BadRequest($"passwords must be at most {MaxPasswordLength} characters long");
        return null;
    }

    private async Task<Result<UserRecord>> SetFlagAsync(Principal caller, string username, UserFlags flags, string action, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var user = await users.FindByNameAsync(username, cancellationToken);
        if (user is null) return RegistryError.NotFound($"user `{username}` does not exist");
        // An administrator who locks themselves out may leave nobody able to undo it.
        if (user.Id == caller.UserId && (flags.IsDisabled == true || flags.IsAdmin == false || flags.IsReadOnly == true))
        {
            return RegistryError.BadRequest("you cannot disable, demote or make read-only your own account; ask another administrator");
        }
        await users.UpdateFlagsAsync(user.Id, flags, cancellationToken);
        await audit.RecordAsync(caller, action, $"user:{user.Username}", cancellationToken);
        logger.LogInformation("{Action} {User} by {Admin}", action, user.Username, caller.Username);
        return Result<UserRecord>.Ok((await users.FindByIdAsync(user.Id, cancellationToken))!);
    }

    private static string Flag(bool value) => value ? "true" : "false";

    internal static Dictionary<string, string?> Details(params (string Key, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
