using System.Collections.Concurrent;
using GhostCrate.Core.Identity;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// Short-lived read tokens for a build's `cargo fetch` in an auth-required registry. They live in this node's memory
/// only (the build fetches from this node's own loopback address, so the request arrives here), are read-only, expire
/// with the build's timeout and are revoked when the build ends. Not rows in api_tokens: a build must not send the
/// publisher token.created / token.revoked notifications.
/// </summary>
public sealed class DocsBuildCredentials(TimeProvider time)
{
    public const string Prefix = "gcdocsbuild_";

    private readonly ConcurrentDictionary<string, (Principal Principal, DateTimeOffset ExpiresAt)> _byHash = new(StringComparer.Ordinal);

    /// <summary>A secret that reads as <paramref name="user"/> (never writes, never administers) until it expires or is revoked.</summary>
    public string Issue(UserRecord user, TimeSpan lifetime)
    {
        var secret = Prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var principal = new Principal(user.Id, user.Username, IsAdmin: false, TokenId: null, new TokenScopes([], null), IsReadOnly: true);
        _byHash[TokenSecrets.Hash(secret)] = (principal, time.GetUtcNow() + lifetime);
        return secret;
    }

    public void Revoke(string secret) => _byHash.TryRemove(TokenSecrets.Hash(secret), out _);

    /// <summary>The principal of a live build token; null for any other secret.</summary>
    public Principal? Authenticate(string secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var hash = TokenSecrets.Hash(secret);
        if (!_byHash.TryGetValue(hash, out var entry)) return null;
        if (entry.ExpiresAt > time.GetUtcNow()) return entry.Principal;
        _byHash.TryRemove(hash, out _);
        return null;
    }
}
