using System.Security.Cryptography;
using System.Text;

namespace GhostCrate.Core.Notifications;

/// <summary>
/// Signatures of the Standard Webhooks spec
/// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme):
/// HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}" with the base64-decoded part of a "whsec_" secret,
/// sent as "v1,{base64}", space-separated when several secrets sign (rotation). GitHub-style receivers get
/// X-Hub-Signature-256: "sha256={hex HMAC of the body}" with the newest secret's key.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: 32 random bytes, base64, with the spec's prefix.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static bool IsValidSecret(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) return false;
        var key = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], key, out var length) && length is >= 24 and <= 64;
    }

    public static string Sign(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(secret => "v1," + Convert.ToBase64String(
            HMACSHA256.HashData(Key(secret), Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}")))));

    public static string HubSignature(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Key(secret), Encoding.UTF8.GetBytes(body)));

    private static byte[] Key(string secret) =>
        Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
}
