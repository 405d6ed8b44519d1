using System.Globalization;
using GhostCrate.Core.Notifications.Email;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.DataProtection;

namespace GhostCrate.Web.Notifications;

/// <summary>
/// Unsubscribe tokens protected (encrypted and authenticated) with ASP.NET Core Data Protection, under a purpose of
/// their own so no other protected value (a session cookie) can pass as one. They use the key ring the cookies use
/// (Identity:KeysPath), which several nodes already share, so any node reads any node's links. Old keys stay in the
/// ring after rotation, so links in old emails keep working.
/// </summary>
public sealed class UnsubscribeTokens(IDataProtectionProvider provider) : IUnsubscribeTokens
{
    private readonly IDataProtector _protector = provider.CreateProtector("GhostCrate.Notifications.Unsubscribe.v1");

    public string Create(UnsubscribeRequest request) =>
        _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{request.UserId}\n{request.Topic}"));

    public UnsubscribeRequest? Read(string token)
    {
        if (_protector.TryUnprotect(token, maxLength: 2048) is not { } plain) return null;
        var parts = plain.Split('\n');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            ? new UnsubscribeRequest(userId, parts[1])
            : null;
    }
}
