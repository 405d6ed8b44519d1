using System.Collections.Concurrent;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace GhostCrate.Web.Auth.Sso;

/// <summary>
/// Discovery documents and signing keys (JWKS) per provider, cached and refreshed by IdentityModel's
/// ConfigurationManager; fetched over IHttpClientFactory's "sso" client.
/// </summary>
public sealed class OidcMetadata(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string HttpClientName = "ghostcrate-sso";

    /// <summary>How long a sign-in waits for the provider's new keys after a rotation before it gives up.</summary>
    public static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// At most one forced download per provider in this time: a burst of sign-ins with an unknown key (or a provider
    /// that signs with a key it does not publish) costs one download, not one per request.
    /// </summary>
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshGates = new(StringComparer.OrdinalIgnoreCase);

    public Task<OpenIdConnectConfiguration> GetAsync(SsoProvider provider, CancellationToken cancellationToken) =>
        Entry(provider).Manager.GetConfigurationAsync(cancellationToken);

    /// <summary>
    /// After a signature failed with an unknown key (the provider rotated its keys): downloads discovery and JWKS now
    /// and returns them, waiting at most <see cref="RefreshTimeout"/>. ConfigurationManager.RequestRefresh alone is not
    /// enough: since IdentityModel 8 it only starts a background download and keeps answering with the old keys, so
    /// the retry of the same sign-in failed. A fresh manager has nothing cached and so waits for its first download;
    /// it replaces the old one only once that download worked (a provider outage keeps the keys we had).
    /// </summary>
    /// <param name="stale">The configuration the failed validation used; if another sign-in already replaced it, that one is returned.</param>
    public async Task<OpenIdConnectConfiguration> RefreshAsync(SsoProvider provider, OpenIdConnectConfiguration stale, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RefreshTimeout);
        var gate = _refreshGates.GetOrAdd(provider.Key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(timeout.Token);
        try
        {
            var current = Entry(provider);
            var currentConfiguration = await current.Manager.GetConfigurationAsync(timeout.Token);
            if (!ReferenceEquals(currentConfiguration, stale)) return currentConfiguration;
            if (current.ForcedAt is { } last && time.GetUtcNow() - last < MinimumRefreshInterval) return currentConfiguration;

            var fresh = new Cached(NewManager(provider), time.GetUtcNow());
            var configuration = await fresh.Manager.GetConfigurationAsync(timeout.Token);
            _cache[provider.Key] = fresh;
            return configuration;
        }
        finally
        {
            gate.Release();
        }
    }

    private Cached Entry(SsoProvider provider) => _cache.GetOrAdd(provider.Key, _ => new Cached(NewManager(provider), null));

    private ConfigurationManager<OpenIdConnectConfiguration> NewManager(SsoProvider provider) =>
        new(provider.MetadataAddress,
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(httpClients.CreateClient(HttpClientName)) { RequireHttps = provider.RequireHttps });

    /// <param name="ForcedAt">When <see cref="RefreshAsync"/> made this manager; null for the first one.</param>
    private sealed record Cached(ConfigurationManager<OpenIdConnectConfiguration> Manager, DateTimeOffset? ForcedAt);
}
