using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Identity;

/// <summary>Turns the secret from an Authorization header into a <see cref="Principal"/>, or says why it cannot.</summary>
public sealed class TokenAuthenticator(
    ITokenRepository tokens,
    IUserRepository users,
    TimeProvider time,
    Analytics.UsageCounter usage,
    AccessCache cache,
    Docs.Build.DocsBuildCredentials buildCredentials,
    ILogger<TokenAuthenticator> logger)
{
    // Last-used is informative only; written at most once a minute per token to keep reads cheap.
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public Task<TokenAuthentication> AuthenticateAsync(string? secret, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(secret)
            ? Task.FromResult(TokenAuthentication.Missing)
            : AuthenticateAsync(secret, TokenHashKey.Of(secret.AsSpan().Trim()), cancellationToken);

    /// <param name="secret">The secret as presented (not blank).</param>
    /// <param name="key">Its hash (<see cref="TokenHashKey.Of"/> of the trimmed secret), when the caller already knows it.</param>
    public async Task<TokenAuthentication> AuthenticateAsync(string secret, TokenHashKey key, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(secret, key, cancellationToken);
        Counted(result);
        return result;
    }

    /// <summary>
    /// The answer from this node's memory alone, without I/O or allocation: a remembered token that has not expired and
    /// whose last-use write is not due. False when <see cref="AuthenticateAsync(string, TokenHashKey, CancellationToken)"/>
    /// has to decide (a lookup, a refusal, or the write).
    /// </summary>
    public bool TryAuthenticateRemembered(string secret, TokenHashKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TokenAuthentication? result)
    {
        result = null;
        if (secret.StartsWith(Docs.Build.DocsBuildCredentials.Prefix, StringComparison.Ordinal)) return false;
        var now = time.GetUtcNow();
        if (Remembered(key, now) is not { } cached || cached.TouchDue(now, TouchInterval)) return false;
        Seen(cached, now);
        result = cached.Authentication;
        Counted(result);
        return true;
    }

    /// <summary>The token as this node remembers it, while that is trusted and the token has not expired.</summary>
    private CachedToken? Remembered(TokenHashKey key, DateTimeOffset now) =>
        cache.TryGetToken(key, out var cached) && (cached.ExpiresAt is not { } expires || expires > now) ? cached : null;

    private static void Counted(TokenAuthentication result) =>
        Operations.GhostCrateMetrics.TokenUsed(result.Principal is { } p ? (p.Scopes.Endpoints is null && p.Scopes.Crates is null ? "unscoped" : "scoped") : "refused");

    private void Seen(CachedToken cached, DateTimeOffset now)
    {
        if (!cached.ClaimSeen(now)) return;
        usage.Seen(Analytics.ActorKind.Token, cached.Principal.TokenId!.Value);
        usage.Seen(Analytics.ActorKind.User, cached.Principal.UserId);
    }

    private async Task<TokenAuthentication> CheckAsync(string secret, TokenHashKey key, CancellationToken cancellationToken)
    {
        // A docs build's own fetch (Docs:Build): a read-only principal held in memory for the build's duration.
        if (buildCredentials.Authenticate(secret.Trim()) is { } builder) return TokenAuthentication.Ok(builder);
        var seen = time.GetUtcNow();
        if (Remembered(key, seen) is { } cached)
        {
            if (cached.ClaimTouch(seen, TouchInterval)) await TouchAsync(cached.Principal.TokenId!.Value, seen, cancellationToken);
            Seen(cached, seen);
            return cached.Authentication;
        }
        var hash = key.ToHex();
        // Taken before the lookup: an answer read before a concurrent revocation is then never trusted (AccessCache).
        var stamp = cache.Stamp;
        var token = await tokens.FindByHashAsync(hash, cancellationToken);
        // The lookup is by hash; the fixed-time comparison is defence in depth against a store that matches loosely.
        if (token is null || !TokenSecrets.HashesEqual(token.TokenHash, hash)) return TokenAuthentication.Fail("the API token is not valid; create a new one and run `cargo login`");
        var now = time.GetUtcNow();
        if (token.RevokedAt is not null) return TokenAuthentication.Fail("the API token has been revoked; create a new one and run `cargo login`");
        if (token.ExpiresAt is { } expires && expires <= now) return TokenAuthentication.Fail($"the API token `{token.Name}` expired on {expires:yyyy-MM-dd HH:mm} UTC; create a new one and run `cargo login`");
        var user = await users.FindByIdAsync(token.UserId, cancellationToken);
        if (user is null || user.IsDisabled) return TokenAuthentication.Fail("the account that owns this API token is disabled; ask an administrator");

        var lastTouched = token.LastUsedAt ?? DateTimeOffset.MinValue;
        if (now - lastTouched > TouchInterval)
        {
            await TouchAsync(token.Id, now, cancellationToken);
            lastTouched = now;
        }
        // In memory only, stored with the next download-count flush: the day's active tokens and users (analytics).
        usage.Seen(Analytics.ActorKind.Token, token.Id);
        usage.Seen(Analytics.ActorKind.User, user.Id);
        var principal = new Principal(user.Id, user.Username, user.IsAdmin, token.Id, TokenScopes.FromStored(token.EndpointScopes, token.CrateScopes), user.IsReadOnly);
        cache.StoreToken(key, principal, token.ExpiresAt, lastTouched, stamp);
        return TokenAuthentication.Ok(principal);
    }

    private async Task TouchAsync(long tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await tokens.TouchAsync(tokenId, now, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record last use of token {TokenId}", tokenId);
        }
    }
}

public sealed record TokenAuthentication(Principal? Principal, bool Presented, string? Failure)
{
    public static TokenAuthentication Missing { get; } = new(null, false, null);
    public static TokenAuthentication Ok(Principal principal) => new(principal, true, null);
    public static TokenAuthentication Fail(string reason) => new(null, true, reason);
}
