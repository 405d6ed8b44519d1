using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Identity;

/// <summary>What a single sign-on provider said about the person, after its token was validated by the web layer.</summary>
public sealed record ExternalIdentity(string Subject, string? PreferredUsername, string? Email, string? DisplayName, IReadOnlyList<string> Groups);

/// <summary>
/// Turns a validated external identity into a local user: the (provider, subject) link finds returning users; new
/// ones are created when the provider allows it (AutoCreateUsers). Group claims decide admin and read-only on every
/// sign-in, so leaving a group takes the right away at the next sign-in.
/// </summary>
public sealed class SsoLoginService(
    IUserRepository users,
    IExternalLoginRepository logins,
    AuditLog audit,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<SsoLoginService> logger)
{
    public async Task<Result<UserRecord>> SignInAsync(string providerKey, ExternalIdentity identity, CancellationToken cancellationToken)
    {
        var result = await LinkAsync(providerKey, identity, cancellationToken);
        // The provider label is a configured key (bounded), never what the request named.
        Operations.GhostCrateMetrics.SignIn(result.IsSuccess, options.Value.Sso.ContainsKey(providerKey) ? providerKey : "unknown");
        return result;
    }

    private async Task<Result<UserRecord>> LinkAsync(string providerKey, ExternalIdentity identity, CancellationToken cancellationToken)
    {
        if (!options.Value.Sso.TryGetValue(providerKey, out var provider)) return RegistryError.NotFound($"no single sign-on provider `{providerKey}`");
        if (string.IsNullOrEmpty(identity.Subject)) return RegistryError.BadRequest("the provider did not name the user (no subject)");
        var groups = identity.Groups.ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (provider.AllowedGroups.Count > 0 && !provider.AllowedGroups.Any(groups.Contains))
        {
            await audit.RecordAnonymousAsync(null, AuditActions.LoginFailed, null, Details(("provider", providerKey), ("reason", "not in an allowed group")), cancellationToken);
            return RegistryError.Forbidden("your account at the identity provider is not in a group that may use this registry");
        }

        var userId = await logins.FindUserIdAsync(providerKey, identity.Subject, cancellationToken);
        var user = userId is { } id ? await users.FindByIdAsync(id, cancellationToken) : null;
        if (user is null)
        {
            var created = await CreateOrLinkAsync(providerKey, provider, identity, cancellationToken);
            if (created.Error is { } error) return error;
            user = created.Value!;
        }
        if (user.IsDisabled)
        {
            await audit.RecordAnonymousAsync(user.Username, AuditActions.LoginFailed, $"user:{user.Username}", Details(("provider", providerKey), ("reason", "disabled")), cancellationToken);
            return RegistryError.Forbidden("this account is disabled; ask an administrator");
        }

        user = await ApplyGroupsAsync(providerKey, provider, user, groups, cancellationToken);
        if (identity.Email != user.Email || identity.DisplayName != user.DisplayName)
        {
            await users.SetProfileAsync(user.Id, identity.Email, identity.DisplayName, cancellationToken);
            user = user with { Email = identity.Email, DisplayName = identity.DisplayName };
        }
        await audit.RecordAsync(Principal.ForSession(user), AuditActions.LoginSucceeded, $"user:{user.Username}", Details(("method", "sso"), ("provider", providerKey)), cancellationToken);
        return Result<UserRecord>.Ok(user);
    }

    private async Task<Result<UserRecord>> CreateOrLinkAsync(string providerKey, SsoProviderOptions provider, ExternalIdentity identity, CancellationToken cancellationToken)
    {
        if (!provider.AutoCreateUsers)
        {
            // An administrator created the account beforehand under the same name: link it on first sign-in.
            var existing = await FindPreCreatedAsync(identity, cancellationToken);
            if (existing is null)
            {
                await audit.RecordAnonymousAsync(null, AuditActions.LoginFailed, null, Details(("provider", providerKey), ("reason", "no local account")), cancellationToken);
                return RegistryError.Forbidden("there is no account for you on this registry yet; ask an administrator to create one");
            }
            await logins.LinkAsync(providerKey, identity.Subject, existing.Id, time.GetUtcNow(), cancellationToken);
            await audit.RecordAsync(Principal.ForSession(existing), AuditActions.SsoLinked, $"user:{existing.Username}", Details(("provider", providerKey)), cancellationToken);
            return Result<UserRecord>.Ok(existing);
        }

        // A new account never takes over an existing local one with the same name: that would let whoever controls
        // the name at the provider become that user. Such names get a numeric suffix instead.
        var baseName = UsernameFrom(identity);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = attempt == 0 ? baseName : $"{baseName[..Math.Min(baseName.Length, 58)]}-{attempt + 1}";
            var user = await users.CreateAsync(candidate, passwordHash: null, isAdmin: false, time.GetUtcNow(), cancellationToken);
            if (user is null) continue;
            if (!await logins.LinkAsync(providerKey, identity.Subject, user.Id, time.GetUtcNow(), cancellationToken))
            {
                // A concurrent first sign-in of the same person linked another account; use that one.
                var winner = await logins.FindUserIdAsync(providerKey, identity.Subject, cancellationToken);
                await users.UpdateFlagsAsync(user.Id, new UserFlags(IsDisabled: true), cancellationToken);
                return winner is { } w && await users.FindByIdAsync(w, cancellationToken) is { } found ? Result<UserRecord>.Ok(found) : RegistryError.Conflict("sign-in raced with another one; try again");
            }
            await audit.RecordAsync(Principal.ForSession(user), AuditActions.SsoUserCreated, $"user:{user.Username}", Details(("provider", providerKey)), cancellationToken);
            logger.LogInformation("Created user {User} on first sign-in through {Provider}", user.Username, providerKey);
            return Result<UserRecord>.Ok(user);
        }
        return RegistryError.Conflict($"could not find a free user name for `{baseName}`");
    }

    private async Task<UserRecord?> FindPreCreatedAsync(ExternalIdentity identity, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { identity.PreferredUsername, identity.Email?.Split('@')[0] })
        {
            if (string.IsNullOrEmpty(name) || UserService.ValidateUsername(name) is not null) continue;
            // Only accounts without a password and without another link were made for single sign-on.
            if (await users.FindByNameAsync(name, cancellationToken) is { PasswordHash: null } user) return user;
        }
        return null;
    }

    private async Task<UserRecord> ApplyGroupsAsync(string providerKey, SsoProviderOptions provider, UserRecord user, HashSet<string> groups, CancellationToken cancellationToken)
    {
        // Only settings that are configured decide: without AdminGroups the admin flag is managed locally.
        bool? admin = provider.AdminGroups.Count > 0 ? provider.AdminGroups.Any(groups.Contains) : null;
        bool? readOnly = provider.ReadOnlyGroups.Count > 0 ? provider.ReadOnlyGroups.Any(groups.Contains) && admin != true : null;
        if ((admin is null || admin == user.IsAdmin) && (readOnly is null || readOnly == user.IsReadOnly)) return user;
        await users.UpdateFlagsAsync(user.Id, new UserFlags(IsAdmin: admin, IsReadOnly: readOnly), cancellationToken);
        var updated = (await users.FindByIdAsync(user.Id, cancellationToken))!;
        await audit.RecordAsync(Principal.ForSession(updated), AuditActions.SsoRolesChanged, $"user:{updated.Username}",
            Details(("provider", providerKey), ("admin", updated.IsAdmin ? "true" : "false"), ("read_only", updated.IsReadOnly ? "true" : "false")), cancellationToken);
        logger.LogInformation("Group claims of {User} from {Provider}: admin {IsAdmin}, read-only {IsReadOnly}", updated.Username, providerKey, updated.IsAdmin, updated.IsReadOnly);
        return updated;
    }

    /// <summary>A valid local user name from the preferred name, the e-mail's local part, or the subject.</summary>
    internal static string UsernameFrom(ExternalIdentity identity)
    {
        foreach (var raw in new[] { identity.PreferredUsername, identity.Email?.Split('@')[0], identity.Subject })
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var cleaned = new string(raw.Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()).Trim('-', '.', '_');
            if (cleaned.Length > 60) cleaned = cleaned[..60];
            if (cleaned.Length > 0 && UserService.ValidateUsername(cleaned) is null) return cleaned;
        }
        return "user";
    }

    /// <summary>
    /// A callback refused before anyone was identified (state, code exchange, id_token, or the provider said no): a
    /// failed sign-in for the audit log, as for passwords. <paramref name="reason"/> is one of our own fixed phrases,
    /// never text from the request (which an attacker chooses) and never a token.
    /// </summary>
    public Task RecordRefusedCallbackAsync(string providerKey, string reason, CancellationToken cancellationToken) =>
        audit.RecordAnonymousAsync(null, AuditActions.LoginFailed, null, Details(("provider", providerKey), ("reason", reason)), cancellationToken);

    private static Dictionary<string, string?> Details(params (string Key, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
