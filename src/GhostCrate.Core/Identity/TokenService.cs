using System.Globalization;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Identity;

/// <summary>
/// The caller's API tokens, like crates.io's (https://rust-lang.github.io/rfcs/2947-crates-io-token-scopes.html):
/// endpoint scopes, crate scopes (exact names and `prefix*`), an expiry, last use; the secret is returned once.
/// An empty endpoint-scope list makes a read-only token (downloads in auth-required mode, nothing else).
/// </summary>
public sealed class TokenService(
    IUserRepository users,
    ITokenRepository tokens,
    UserService userService,
    AuditLog audit,
    IOptions<IdentityOptions> options,
    TimeProvider time)
{
    public const int MaxNameLength = 64;
    public const int MaxCrateScopes = 50;

    public async Task<Result<CreatedToken>> CreateAsync(Principal caller, NewTokenRequest request, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var user = await users.FindByIdAsync(caller.UserId, cancellationToken);
        if (user is null || user.IsDisabled) return RegistryError.Forbidden("your account is disabled");
        if (Validate(request) is { } invalid) return invalid;
        var live = (await tokens.ListForUserAsync(user.Id, cancellationToken)).Count(t => t.RevokedAt is null && (t.ExpiresAt is null || t.ExpiresAt > time.GetUtcNow()));
        if (live >= options.Value.MaxTokensPerUser) return RegistryError.BadRequest($"you already have {live} live tokens (the limit is {options.Value.MaxTokensPerUser}); revoke some first");

        var scopes = new TokenScopes(
            request.EndpointScopes?.Distinct(StringComparer.Ordinal).ToList(),
            request.CrateScopes?.Select(c => c.Trim()).Distinct(StringComparer.Ordinal).ToList());
        var created = await userService.IssueAsync(user, request.Name.Trim(), TokenSecrets.Generate(), request.ExpiresAt, scopes, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.TokenCreated, $"token:{created.Record.Id}", AccountService.Details(
            ("name", created.Record.Name),
            ("endpoint_scopes", created.Record.EndpointScopes ?? "*"),
            ("crate_scopes", created.Record.CrateScopes ?? "*"),
            ("expires_at", created.Record.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture))), cancellationToken);
        return Result<CreatedToken>.Ok(created);
    }

    /// <summary>The caller's tokens that are not revoked (expired ones included, so they can be seen and cleaned up).</summary>
    public async Task<Result<IReadOnlyList<ApiTokenRecord>>> ListAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var list = await tokens.ListForUserAsync(caller.UserId, cancellationToken);
        return Result<IReadOnlyList<ApiTokenRecord>>.Ok(list.Where(t => t.RevokedAt is null).ToList());
    }

    /// <summary>Revokes one of the caller's tokens. Someone else's token id answers "not found", as a missing one does.</summary>
    public async Task<Result<ApiTokenRecord>> RevokeAsync(Principal caller, long tokenId, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var token = await tokens.FindByIdAsync(tokenId, cancellationToken);
        if (token is null || token.UserId != caller.UserId || token.RevokedAt is not null) return RegistryError.NotFound($"you have no live token with id {tokenId}");
        await tokens.RevokeAsync(token.Id, time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.TokenRevoked, $"token:{token.Id}", AccountService.Details(("name", token.Name)), cancellationToken);
        return Result<ApiTokenRecord>.Ok(token);
    }

    /// <summary>`DELETE /api/v1/tokens/current`: the token of the request revokes itself (any token may, scoped or not).</summary>
    public async Task<Result<bool>> RevokeCurrentAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (caller.TokenId is not { } id) return RegistryError.BadRequest("this request was not made with an API token");
        await tokens.RevokeAsync(id, time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.TokenRevoked, $"token:{id}", AccountService.Details(("via", "tokens/current")), cancellationToken);
        return Result<bool>.Ok(true);
    }

    private RegistryError? Validate(NewTokenRequest request)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl)) return RegistryError.BadRequest($"a token needs a name of 1 to {MaxNameLength} printable characters");
        if (request.EndpointScopes is { } endpoints)
        {
            foreach (var scope in endpoints)
            {
                if (!TokenScopes.AllEndpoints.Contains(scope, StringComparer.Ordinal))
                    return RegistryError.BadRequest($"unknown endpoint scope `{scope}`; valid scopes are {string.Join(", ", TokenScopes.AllEndpoints.Select(s => $"`{s}`"))} (an empty list makes a read-only token)");
            }
        }
        if (request.CrateScopes is { } crates)
        {
            if (crates.Count == 0) return RegistryError.BadRequest("crate_scopes must name at least one crate or prefix* (leave it out for all crates)");
            if (crates.Count > MaxCrateScopes) return RegistryError.BadRequest($"a token may name at most {MaxCrateScopes} crate scopes");
            foreach (var pattern in crates)
            {
                if (!IsCrateScope(pattern.Trim())) return RegistryError.BadRequest($"invalid crate scope `{pattern}`: use a crate name or a name prefix followed by `*` (e.g. `acme-*`)");
            }
        }
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now) return RegistryError.BadRequest("expired_at must be in the future");
        if (options.Value.MaxTokenLifetimeDays is { } days)
        {
            var latest = now.AddDays(days);
            if (request.ExpiresAt is null || request.ExpiresAt > latest)
                return RegistryError.BadRequest($"tokens on this registry must expire within {days} days; set expired_at to {latest:yyyy-MM-dd} or earlier");
        }
        return null;
    }

    /// <summary>A crate name, or a prefix of one followed by a single trailing `*` (crates.io's rule).</summary>
    internal static bool IsCrateScope(string pattern)
    {
        if (pattern.Length is 0 or > 65) return false;
        var body = pattern.EndsWith('*') ? pattern[..^1] : pattern;
        if (body.Length == 0) return pattern == "*";
        return char.IsAsciiLetter(body[0]) && body.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }
}

/// <summary>What `PUT /api/v1/me/tokens` asks for. Null scope lists mean "all".</summary>
public sealed record NewTokenRequest(string Name, IReadOnlyList<string>? EndpointScopes, IReadOnlyList<string>? CrateScopes, DateTimeOffset? ExpiresAt);
