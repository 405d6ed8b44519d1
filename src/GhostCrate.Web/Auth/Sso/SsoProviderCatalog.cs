using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Auth.Sso;

/// <summary>A configured provider with its preset filled in (Entra ID, Google, GitHub) and the endpoints to use.</summary>
public sealed record SsoProvider(
    string Key,
    SsoProviderType Type,
    string DisplayName,
    string? Authority,
    string ClientId,
    string ClientSecret,
    IReadOnlyList<string> Scopes,
    string? UsernameClaim,
    string GroupsClaim,
    bool RequireHttps,
    string? GitHubApiUrl)
{
    public bool IsOidc => Type != SsoProviderType.GitHub;

    /// <summary>OpenID Connect discovery document (https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig).</summary>
    public string MetadataAddress => Authority!.TrimEnd('/') + "/.well-known/openid-configuration";
}

/// <summary>The providers of Identity:Sso, resolved once. Several may be active; each gets a button on the login page.</summary>
public sealed class SsoProviderCatalog(IOptions<IdentityOptions> options)
{
    private readonly Lazy<IReadOnlyDictionary<string, SsoProvider>> _providers = new(() => Resolve(options.Value));

    public IReadOnlyCollection<SsoProvider> All => _providers.Value.Values.ToList();

    public SsoProvider? Find(string key) => _providers.Value.TryGetValue(key, out var provider) ? provider : null;

    private static IReadOnlyDictionary<string, SsoProvider> Resolve(IdentityOptions identity)
    {
        var result = new Dictionary<string, SsoProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, o) in identity.Sso)
        {
            var (authority, defaultName, defaultScopes, defaultUserClaim) = o.Type switch
            {
                SsoProviderType.EntraId => (o.Authority ?? $"https://login.microsoftonline.com/{o.TenantId}/v2.0", "Microsoft", new[] { "openid", "profile", "email" }, "preferred_username"),
                SsoProviderType.Google => (o.Authority ?? "https://accounts.google.com", "Google", new[] { "openid", "profile", "email" }, "email"),
                SsoProviderType.GitHub => ((string?)null, "GitHub", new[] { "read:user", "user:email", "read:org" }, (string?)null),
                _ => (o.Authority, key, new[] { "openid", "profile", "email" }, "preferred_username"),
            };
            result[key] = new SsoProvider(
                key,
                o.Type,
                o.DisplayName ?? defaultName,
                authority,
                o.ClientId!,
                o.ClientSecret!,
                o.Scopes.Count > 0 ? o.Scopes : defaultScopes,
                o.UsernameClaim ?? defaultUserClaim,
                o.GroupsClaim,
                o.RequireHttps,
                o.Type == SsoProviderType.GitHub ? (o.ApiUrl ?? "https://api.github.com").TrimEnd('/') : null);
        }
        return result;
    }
}
