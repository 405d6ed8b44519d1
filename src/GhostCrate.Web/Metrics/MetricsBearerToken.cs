using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Metrics;

/// <summary>
/// Metrics:BearerToken: a scrape must send `Authorization: Bearer {token}` (RFC 6750 §2.1), or gets 401 as problem
/// details. Compared in constant time over SHA-256 digests, so neither the content nor the length of the token leaks
/// through timing.
/// </summary>
public sealed class MetricsBearerToken(RequestDelegate next, string token)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public async Task InvokeAsync(HttpContext context)
    {
        if (Matches(context.Request.Headers.Authorization.ToString()))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
        await Results.Problem(detail: "GET /metrics needs `Authorization: Bearer <token>` with the token of the setting Metrics:BearerToken",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
    }

    internal bool Matches(string header)
    {
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(digest, _expected);
    }
}
