using GhostCrate.Core.Operations;

namespace GhostCrate.Web.Auth.Sso;

/// <summary>
/// The OpenID providers' discovery documents and keys, as cached by <see cref="OidcMetadata"/> (fetched only when the
/// cache is empty or due). Not required: with the provider down, password and token sign-in still work, so the node
/// reports itself degraded rather than leaving the load balancer's rotation.
/// </summary>
public sealed class SsoProviderProbe(SsoProviderCatalog catalog, OidcMetadata metadata) : IDependencyProbe
{
    public string Name => "Single sign-on providers";

    public bool Required => false;

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        var providers = catalog.All.Where(p => p.IsOidc).ToList();
        if (providers.Count == 0) return ProbeResult.Ok("no OpenID provider configured");
        var failed = new List<string>();
        foreach (var provider in providers)
        {
            try
            {
                await metadata.GetAsync(provider, cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // IdentityModel wraps every retrieval failure (network, HTTP status, bad JSON) in this type.
                failed.Add(provider.Key);
            }
        }
        return failed.Count == 0
            ? ProbeResult.Ok($"{providers.Count} provider(s) answer discovery")
            : ProbeResult.Failed($"discovery fails for {string.Join(", ", failed)}");
    }
}
