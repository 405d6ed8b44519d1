using GhostCrate.Core.Options;
using GhostCrate.Protocol.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace GhostCrate.Web.Http;

/// <summary>
/// Registry:AllowedHosts: a request whose Host header names another host gets 400 before anything else runs, fast
/// paths included, so no answer is ever rendered for a host an attacker chose (Host-header poisoning of config.json,
/// login_url and page links; https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/17-Testing_for_Host_Header_Injection).
/// ASP.NET's HostFilteringMiddleware does the same matching (<see cref="HostString.MatchesAny"/>), but answers with
/// an HTML page; cargo shows the `detail` of its own error envelope to the user.
/// </summary>
public sealed class AllowedHostsFilter(RequestDelegate next, StringSegment[] patterns)
{
    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host;
        // RFC 9112 §3.2: an HTTP/1.1 request without Host is itself a 400; HTTP/2 and 3 carry it as :authority.
        if (host.HasValue && HostString.MatchesAny(host.Value, patterns)) return next(context);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.Headers.CacheControl = "no-store";
        var detail = host.HasValue
            ? $"this server does not answer for the host `{host.Host}` (Registry:AllowedHosts)"
            : "the request has no Host header (Registry:AllowedHosts)";
        return context.Response.WriteAsJsonAsync(CargoErrorResponse.Of(detail), context.RequestAborted);
    }
}

/// <summary>Puts <see cref="AllowedHostsFilter"/> first in the pipeline when Registry:AllowedHosts lists any host.</summary>
public sealed class AllowedHostsStartupFilter(IOptions<RegistryOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (options.Value.AllowedHosts is { Count: > 0 } hosts)
        {
            app.UseMiddleware<AllowedHostsFilter>(hosts.Select(h => new StringSegment(h)).ToArray());
        }
        next(app);
    };
}
