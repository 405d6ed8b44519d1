using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GhostCrate.Core.Identity;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GhostCrate.Web.Auth;

/// <summary>
/// Remembers, per HTTP/1.x connection, the last token secret presented on it and its hash, so a client that sends the
/// same token on every request of a keep-alive connection (cargo does) costs one SHA-256 per connection instead of one
/// per request. The secret is compared in fixed time before its remembered hash is used, so a connection shared by
/// several clients (a reverse proxy's pool) still gets each secret's own hash; a revoked token is refused all the same,
/// because what decides is the hash's entry in the access memory (<see cref="AccessCache"/>), not this.
/// Only HTTP/1.x: its requests on one connection run one after another, while HTTP/2 streams would share the
/// connection's item dictionary concurrently, and it is not thread-safe.
/// The secret stays in memory while the connection is open, as the connection's own buffers hold it.
/// </summary>
internal static class ConnectionTokenMemory
{
    private static readonly object ItemKey = new();

    public static TokenHashKey KeyOf(HttpContext context, string secret)
    {
        var items = HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)
            ? context.Features.Get<IConnectionItemsFeature>()?.Items
            : null;
        if (items is not null && items.TryGetValue(ItemKey, out var value) && value is Remembered remembered && SameSecret(remembered.Secret, secret))
            return remembered.Key;
        var key = TokenHashKey.Of(secret.AsSpan().Trim());
        if (items is not null) items[ItemKey] = new Remembered(secret, key);
        return key;
    }

    private static bool SameSecret(string known, string presented) =>
        CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(known.AsSpan()), MemoryMarshal.AsBytes(presented.AsSpan()));

    private sealed record Remembered(string Secret, TokenHashKey Key);
}
