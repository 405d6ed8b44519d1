using GhostCrate.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Health;

public static class HealthServices
{
    /// <summary>Start-up and drain state for the probes, and the host's stop budget from the Server section.</summary>
    public static IServiceCollection AddGhostCrateHealth(this IServiceCollection services)
    {
        services.AddSingleton<NodeLifecycle>();
        services.AddSingleton<GracefulDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<GracefulDrain>());
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) => host.ShutdownTimeout = server.Value.TotalShutdownTimeout);
        services.AddSingleton<Core.Operations.IDependencyProbe, Auth.Sso.SsoProviderProbe>();
        return services;
    }
}
