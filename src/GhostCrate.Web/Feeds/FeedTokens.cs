using System.Globalization;
using GhostCrate.Core.Feeds;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.DataProtection;

namespace GhostCrate.Web.Feeds;

/// <summary>
/// Feed tokens protected (encrypted and authenticated) with ASP.NET Core Data Protection under a purpose of their own,
/// so no other protected value (a session cookie, an unsubscribe link) passes as one, with the key ring every node
/// shares. Base64url, so a token needs no escaping in a URL.
/// </summary>
public sealed class FeedTokens(IDataProtectionProvider provider) : IFeedTokens
{
    private readonly IDataProtector _protector = provider.CreateProtector("GhostCrate.Feeds.Reader.v1");

    public string Create(long userId, long sessionVersion) =>
        _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{userId}\n{sessionVersion}"));

    public (long UserId, long SessionVersion)? Read(string token)
    {
        if (_protector.TryUnprotect(token, maxLength: 1024) is not { } plain) return null;
        var parts = plain.Split('\n');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (userId, version)
            : null;
    }
}
