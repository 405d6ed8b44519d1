using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace GhostCrate.Web.Auth;

/// <summary>Reading a token that came back in a URL (unsubscribe links, feed URLs): anything altered, forged or overlong is simply not a token.</summary>
internal static class ProtectedTokens
{
    /// <summary>The protected text, or null when the token is empty, longer than <paramref name="maxLength"/>, or does not unprotect.</summary>
    public static string? TryUnprotect(this IDataProtector protector, string? token, int maxLength)
    {
        if (string.IsNullOrEmpty(token) || token.Length > maxLength) return null;
        try
        {
            return protector.Unprotect(token);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
