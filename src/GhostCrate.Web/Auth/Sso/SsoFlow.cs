using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.Core.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Auth.Sso;

/// <summary>
/// The authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636), state and nonce. A pending login is stored
/// server-side by the SHA-256 of its state and taken exactly once, so a replayed callback finds nothing; the state is
/// also kept in a browser cookie, so a callback started in another browser (login CSRF) is refused.
/// </summary>
public sealed class SsoFlow(
    OidcMetadata metadata,
    IdTokenValidator validator,
    ILoginStateRepository states,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILogger<SsoFlow> logger)
{
    public static readonly TimeSpan LoginLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Stores a pending login and returns the provider URL to send the browser to, and the state for the cookie.</summary>
    public async Task<(string RedirectUrl, string State)> StartAsync(SsoProvider provider, string redirectUri, string? returnUrl, CancellationToken cancellationToken)
    {
        var state = RandomToken();
        var nonce = RandomToken();
        var verifier = RandomToken();
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        await states.StoreAsync(new PendingLogin(HashState(state), provider.Key, nonce, verifier, returnUrl, time.GetUtcNow() + LoginLifetime), cancellationToken);

        var authorize = provider.IsOidc ? (await metadata.GetAsync(provider, cancellationToken)).AuthorizationEndpoint : GitHubProfile.AuthorizeUrl;
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = provider.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = string.Join(' ', provider.Scopes),
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        };
        if (provider.IsOidc) query["nonce"] = nonce;
        return (QueryHelpers.AddQueryString(authorize, query), state);
    }

    /// <summary>Takes the pending login of a state (once); null when it is unknown, used, expired, or for another provider.</summary>
    public async Task<PendingLogin?> TakeAsync(SsoProvider provider, string state, CancellationToken cancellationToken)
    {
        var pending = await states.TakeAsync(HashState(state), time.GetUtcNow(), cancellationToken);
        return pending is not null && string.Equals(pending.Provider, provider.Key, StringComparison.OrdinalIgnoreCase) ? pending : null;
    }

    /// <summary>Exchanges the code and validates what comes back; the identity, or a reason for the log.</summary>
    public async Task<(ExternalIdentity? Identity, string? Error)> CompleteAsync(SsoProvider provider, PendingLogin pending, string code, string redirectUri, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(OidcMetadata.HttpClientName);
        var tokenEndpoint = provider.IsOidc ? (await metadata.GetAsync(provider, cancellationToken)).TokenEndpoint : GitHubProfile.TokenUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = pending.CodeVerifier,
        };
        if (provider.IsOidc)
        {
            // client_secret_basic (RFC 6749 §2.3.1): both parts form-urlencoded before base64.
            var basic = $"{Uri.EscapeDataString(provider.ClientId)}:{Uri.EscapeDataString(provider.ClientSecret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        else
        {
            form["client_id"] = provider.ClientId;
            form["client_secret"] = provider.ClientSecret;
        }
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) return (null, $"the token endpoint answered {(int)response.StatusCode}");
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);

        if (!provider.IsOidc)
        {
            if (!json.RootElement.TryGetProperty("access_token", out var access) || access.GetString() is not { Length: > 0 } accessToken) return (null, "GitHub returned no access token");
            return (await GitHubProfile.LoadAsync(http, provider.GitHubApiUrl!, accessToken, cancellationToken), null);
        }

        if (!json.RootElement.TryGetProperty("id_token", out var idTokenElement) || idTokenElement.GetString() is not { Length: > 0 } idToken) return (null, "the provider returned no id_token");
        var result = await ValidateAsync(provider, idToken, pending.Nonce, cancellationToken);
        if (result.Identity is null) return (null, result.Error);
        return (ToIdentity(provider, result.Identity), null);
    }

    /// <summary>Validates an id_token against the provider's current keys, downloading them again once when the key is unknown.</summary>
    public async Task<IdTokenResult> ValidateAsync(SsoProvider provider, string idToken, string nonce, CancellationToken cancellationToken)
    {
        var configuration = await metadata.GetAsync(provider, cancellationToken);
        var result = await validator.ValidateAsync(idToken, configuration, provider.ClientId, nonce);
        if (result.UnknownKey)
        {
            // The provider rotated its keys since we cached them: wait (bounded) for the new ones and try once more.
            try
            {
                result = await validator.ValidateAsync(idToken, await metadata.RefreshAsync(provider, configuration, cancellationToken), provider.ClientId, nonce);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                result = IdTokenResult.Fail($"the id_token is signed with a key the provider does not publish, and its keys could not be downloaded again within {OidcMetadata.RefreshTimeout.TotalSeconds:0} s", unknownKey: true);
            }
        }
        if (result.Error is not null) logger.LogWarning("Refused an id_token from {Provider}: {Reason}", provider.Key, result.Error);
        return result;
    }

    public static ExternalIdentity ToIdentity(SsoProvider provider, ClaimsIdentity identity)
    {
        string? Claim(string type) => identity.FindFirst(type)?.Value;
        var username = (provider.UsernameClaim is { } c ? Claim(c) : null) ?? Claim("preferred_username") ?? Claim("email");
        var groups = identity.FindAll(provider.GroupsClaim).Select(g => g.Value).ToList();
        return new ExternalIdentity(Claim("sub") ?? "", username, Claim("email"), Claim("name"), groups);
    }

    public static string HashState(string state) => TokenSecrets.Hash(state);

    private static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
