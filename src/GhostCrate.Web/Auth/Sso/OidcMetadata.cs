using System.Collections.Concurrent;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace GhostCrate.Web.Auth.Sso;

/// <summary>
/// Discovery documents and signing keys (JWKS) per provider, cached and refreshed by IdentityModel's
/// ConfigurationManager; fetched over IHttpClientFactory's "sso" client.
/// </summary>
public sealed class OidcMetadata(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "ghostcrate-sso";
    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _managers = new(StringComparer.OrdinalIgnoreCase);

    public Task<OpenIdConnectConfiguration> GetAsync(SsoProvider provider, CancellationToken cancellationToken) =>
        Manager(provider).GetConfigurationAsync(cancellationToken);

    /// <summary>After a signature failed with an unknown key: the provider may have rotated its keys.</summary>
    public void RequestRefresh(SsoProvider provider) => Manager(provider).RequestRefresh();

    private ConfigurationManager<OpenIdConnectConfiguration> Manager(SsoProvider provider) =>
        _managers.GetOrAdd(provider.Key, _ => new ConfigurationManager<OpenIdConnectConfiguration>(
            provider.MetadataAddress,
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(httpClients.CreateClient(HttpClientName)) { RequireHttps = provider.RequireHttps }));
}
