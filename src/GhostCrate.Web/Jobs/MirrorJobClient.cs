using System.Net;
using GhostCrate.Core.Options;
using GhostCrate.Mirror.Jobs;
using GhostCrate.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Jobs;

/// <summary>
/// Server-run mirror jobs connect through the same SSRF guard as webhooks: an upstream in mirror.json or a dist server
/// in a request is refused when it resolves to an internal address, unless Mirror:UpstreamAllowedCidrs lets its range in.
/// </summary>
public static class MirrorJobClient
{
    public static IServiceCollection AddGuardedMirrorJobs(IServiceCollection services) =>
        services.AddMirrorJobs(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MirrorOptions>>().Value;
            return new SsrfGuard((options.UpstreamAllowedCidrs ?? []).Select(IPNetwork.Parse).ToList(), "Mirror:UpstreamAllowedCidrs").ConnectAsync;
        });
}
