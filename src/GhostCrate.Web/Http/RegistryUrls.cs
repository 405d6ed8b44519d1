using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Http;

/// <summary>
/// The externally visible base URL of every absolute URL GhostCrate renders (config.json, login_url, SSO callbacks,
/// page snippets): Registry:PublicUrl when set, else the request's own scheme and Host. A Host-derived URL is only
/// good for the client that sent that Host, so the response carrying it is marked private: a shared cache must never
/// hand it to anyone else (Host-header poisoning). Registry:AllowedHosts (AllowedHostsFilter) limits which Hosts
/// get that far, and a server listening beyond loopback must set one of the two (ListenAddresses).
/// </summary>
public sealed class RegistryUrls(IOptions<RegistryOptions> options)
{
    private const string PrivateNoCache = "private, no-cache";

    /// <summary>
    /// True when absolute URLs come from each request's Host (no Registry:PublicUrl): an answer carrying one must not
    /// be marked publicly cacheable, whatever its route would choose otherwise.
    /// </summary>
    public bool FromRequestHost => options.Value.PublicUrl is not { Length: > 0 };

    public string BaseUrl(HttpRequest request)
    {
        if (options.Value.PublicUrl is { Length: > 0 } configured) return configured.TrimEnd('/');
        var response = request.HttpContext.Response;
        // Stricter settings (antiforgery's no-store) are kept.
        if (!response.HasStarted && response.Headers.CacheControl.Count == 0) response.Headers.CacheControl = PrivateNoCache;
        return $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');
    }

    public string LoginUrl(HttpRequest request) => BaseUrl(request) + "/me";
}
