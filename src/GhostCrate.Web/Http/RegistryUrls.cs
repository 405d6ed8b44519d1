using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Http;

/// <summary>The externally visible base URL: Registry:PublicUrl when set (behind a proxy), else the request's own.</summary>
public sealed class RegistryUrls(IOptions<RegistryOptions> options)
{
    public string BaseUrl(HttpRequest request) =>
        options.Value.PublicUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');

    public string LoginUrl(HttpRequest request) => BaseUrl(request) + "/me";
}
