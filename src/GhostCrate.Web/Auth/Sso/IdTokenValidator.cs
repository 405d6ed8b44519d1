using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace GhostCrate.Web.Auth.Sso;

/// <summary>
/// Validates an id_token as OpenID Connect Core §3.1.3.7 asks (https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation):
/// signature with the provider's JWKS (no `none`), issuer from discovery, audience = our client id (and `azp` when
/// there are several audiences), expiry with a small clock skew, and the nonce we sent.
/// </summary>
public sealed class IdTokenValidator(TimeProvider time)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    public async Task<IdTokenResult> ValidateAsync(string idToken, OpenIdConnectConfiguration configuration, string clientId, string expectedNonce)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidateIssuer = true,
            ValidAudience = clientId,
            ValidateAudience = true,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Checked below against the application's clock (TimeProvider), which tests can move.
            ValidateLifetime = false,
        };
        var handler = new JsonWebTokenHandler { MapInboundClaims = false };
        var result = await handler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid) return IdTokenResult.Fail(Describe(result.Exception), result.Exception is SecurityTokenSignatureKeyNotFoundException);

        var token = (JsonWebToken)result.SecurityToken;
        var now = time.GetUtcNow().UtcDateTime;
        if (token.ValidTo == DateTime.MinValue) return IdTokenResult.Fail("the id_token has no expiry");
        if (token.ValidTo + ClockSkew <= now) return IdTokenResult.Fail("the id_token has expired");
        if (token.ValidFrom != DateTime.MinValue && token.ValidFrom - ClockSkew > now) return IdTokenResult.Fail("the id_token is not valid yet");
        var audiences = token.Audiences.ToList();
        if (audiences.Count > 1 && token.TryGetPayloadValue<string>("azp", out var azp) is var hasAzp && (!hasAzp || azp != clientId))
        {
            return IdTokenResult.Fail("the id_token has several audiences and its azp is not this client");
        }
        if (!token.TryGetPayloadValue<string>("nonce", out var nonce) || !FixedTimeEquals(nonce, expectedNonce))
        {
            return IdTokenResult.Fail("the id_token's nonce does not match this sign-in");
        }
        return IdTokenResult.Ok(result.ClaimsIdentity);
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>A reason for the log: the exception type says what failed; its message may quote the token, so it is left out.</summary>
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "the id_token has expired",
        SecurityTokenNotYetValidException => "the id_token is not valid yet",
        SecurityTokenInvalidAudienceException => "the id_token was issued for another client (audience)",
        SecurityTokenInvalidIssuerException => "the id_token comes from another issuer",
        SecurityTokenSignatureKeyNotFoundException => "the id_token is signed with a key the provider does not publish",
        SecurityTokenInvalidSignatureException => "the id_token's signature is not valid",
        SecurityTokenInvalidLifetimeException => "the id_token's lifetime is not valid",
        SecurityTokenMalformedException => "the id_token is malformed",
        null => "the id_token is not valid",
        _ => $"the id_token is not valid ({exception.GetType().Name})",
    };
}

public sealed record IdTokenResult(ClaimsIdentity? Identity, string? Error, bool UnknownKey)
{
    public static IdTokenResult Ok(ClaimsIdentity identity) => new(identity, null, false);
    public static IdTokenResult Fail(string error, bool unknownKey = false) => new(null, error, unknownKey);
}
