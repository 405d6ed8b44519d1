using System.Security.Claims;
using System.Security.Cryptography;
using GhostCrate.Web.Auth.Sso;
using GhostCrate.Web.Tests.Support;
using IdTokenValidator = GhostCrate.Web.Auth.Sso.IdTokenValidator;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>Crafted id_tokens signed with a test key: every check of OpenID Connect Core §3.1.3.7 refuses its case.</summary>
public class IdTokenValidatorTests
{
    private const string Issuer = "https://idp.example.test";
    private const string ClientId = "ghostcrate";
    private const string Nonce = "n-0S6_WzA2Mj";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private static readonly RsaSecurityKey OtherKey = new(RSA.Create(2048)) { KeyId = "test-key" };

    private static OpenIdConnectConfiguration Configuration()
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        configuration.SigningKeys.Add(Key);
        return configuration;
    }

    private static string Token(SecurityKey? key = null, string issuer = Issuer, string audience = ClientId, string? nonce = Nonce, DateTimeOffset? expires = null, string algorithm = SecurityAlgorithms.RsaSha256, IDictionary<string, object>? extra = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "alice-sub", ["groups"] = new[] { "staff" } };
        if (nonce is not null) claims["nonce"] = nonce;
        foreach (var (k, v) in extra ?? new Dictionary<string, object>()) claims[k] = v;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            // An "aud" array in the extra claims replaces the single audience.
            Audience = extra?.ContainsKey("aud") == true ? null : audience,
            Claims = claims,
            IssuedAt = Now.UtcDateTime.AddMinutes(-1),
            NotBefore = Now.UtcDateTime.AddMinutes(-1),
            Expires = (expires ?? Now.AddMinutes(5)).UtcDateTime,
            SigningCredentials = new SigningCredentials(key ?? Key, algorithm),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private static Task<IdTokenResult> ValidateAsync(string token, string nonce = Nonce) =>
        new IdTokenValidator(new ManualClock(Now)).ValidateAsync(token, Configuration(), ClientId, nonce);

    [Fact]
    public async Task A_well_formed_token_is_accepted_with_its_claims()
    {
        var result = await ValidateAsync(Token());
        Assert.Null(result.Error);
        Assert.Equal("alice-sub", result.Identity!.FindFirst("sub")!.Value);
        Assert.Equal("staff", result.Identity.FindFirst("groups")!.Value);
    }

    [Fact]
    public async Task A_tampered_payload_fails_the_signature()
    {
        var parts = Token().Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("staff", "admin", StringComparison.Ordinal);
        var result = await ValidateAsync($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}");
        Assert.Null(result.Identity);
        Assert.Contains("signature", result.Error);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_with_the_same_kid_is_refused() =>
        Assert.Contains("signature", (await ValidateAsync(Token(OtherKey))).Error);

    [Fact]
    public async Task A_token_signed_by_an_unknown_key_asks_for_a_key_refresh()
    {
        var result = await ValidateAsync(Token(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rotated" }));
        Assert.Null(result.Identity);
        Assert.True(result.UnknownKey);
    }

    [Fact]
    public async Task An_unsigned_token_is_refused()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            Claims = new Dictionary<string, object> { ["sub"] = "alice-sub", ["nonce"] = Nonce },
            Expires = Now.UtcDateTime.AddMinutes(5),
        });
        Assert.Null((await ValidateAsync(unsigned)).Identity);
    }

    [Fact]
    public async Task A_wrong_audience_is_refused() =>
        Assert.Contains("audience", (await ValidateAsync(Token(audience: "some-other-client"))).Error);

    [Fact]
    public async Task A_wrong_issuer_is_refused() =>
        Assert.Contains("issuer", (await ValidateAsync(Token(issuer: "https://evil.example.test"))).Error);

    [Fact]
    public async Task An_expired_token_is_refused_beyond_the_clock_skew()
    {
        Assert.Contains("expired", (await ValidateAsync(Token(expires: Now - IdTokenValidator.ClockSkew - TimeSpan.FromSeconds(1)))).Error);
        Assert.Null((await ValidateAsync(Token(expires: Now - TimeSpan.FromSeconds(30)))).Error);
    }

    [Fact]
    public async Task A_missing_or_different_nonce_is_refused()
    {
        Assert.Contains("nonce", (await ValidateAsync(Token(nonce: null))).Error);
        Assert.Contains("nonce", (await ValidateAsync(Token(), nonce: "another")).Error);
    }

    [Fact]
    public async Task Several_audiences_need_azp_to_name_this_client()
    {
        var token = Token(extra: new Dictionary<string, object> { ["aud"] = new[] { ClientId, "other" } });
        Assert.Contains("azp", (await ValidateAsync(token)).Error);
        var withAzp = Token(extra: new Dictionary<string, object> { ["aud"] = new[] { ClientId, "other" }, ["azp"] = ClientId });
        Assert.Null((await ValidateAsync(withAzp)).Error);
    }

    [Fact]
    public void Claims_map_to_the_identity_with_the_configured_claims()
    {
        var provider = new SsoProvider("corp", Core.Options.SsoProviderType.Oidc, "Corp", Issuer, ClientId, "secret", ["openid"], "preferred_username", "roles", false, null);
        var identity = new ClaimsIdentity([new Claim("sub", "s1"), new Claim("preferred_username", "alice"), new Claim("email", "a@x.test"), new Claim("roles", "r1"), new Claim("roles", "r2")]);
        var external = SsoFlow.ToIdentity(provider, identity);
        Assert.Equal(("s1", "alice", "a@x.test"), (external.Subject, external.PreferredUsername, external.Email));
        Assert.Equal(["r1", "r2"], external.Groups);
    }
}
