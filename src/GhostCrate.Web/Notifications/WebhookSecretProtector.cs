using GhostCrate.Core.Notifications;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.DataProtection;

namespace GhostCrate.Web.Notifications;

/// <summary>
/// Webhook signing secrets encrypted (and authenticated) with ASP.NET Core Data Protection under a purpose of their
/// own. The key ring is the one the cookies use: the database table data_protection_keys (or Identity:KeysPath), shared
/// by every node, carried by backups, and keeping retired keys so older rows still decrypt after a key rotation.
/// </summary>
public sealed class WebhookSecretProtector(IDataProtectionProvider provider) : IWebhookSecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("GhostCrate.Notifications.WebhookSecret.v1");

    public string Protect(string secret) => IWebhookSecretProtector.Prefix + _protector.Protect(secret);

    public string? Unprotect(string stored) =>
        stored.StartsWith(IWebhookSecretProtector.Prefix, StringComparison.Ordinal)
            ? _protector.TryUnprotect(stored[IWebhookSecretProtector.Prefix.Length..], maxLength: 4096)
            : null;
}
