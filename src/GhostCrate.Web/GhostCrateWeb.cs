using GhostCrate.Web.Auth;
using GhostCrate.Web.Endpoints;
using GhostCrate.Web.Health;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using GhostCrate.Web.Metrics;
using GhostCrate.Web.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web;

public static class GhostCrateWeb
{
    public static IServiceCollection AddGhostCrateWeb(this IServiceCollection services)
    {
        services.AddSingleton<RegistryUrls>();
        services.AddGhostCrateIdentityWeb();
        services.AddHostedService<DownloadCountFlusher>();
        services.AddHostedService<Jobs.JobWorker>();
        Notifications.NotificationServices.AddGhostCrateNotifications(services);
        Jobs.MirrorJobClient.AddGuardedMirrorJobs(services);
        services.AddSingleton<Mirror.Toolchains.Custom.CustomToolchains>();
        services.AddHostedService<Changes.ChangeFeedService>();
        services.AddSingleton<Core.Changes.ChangeAnnouncer>();
        services.AddHostedService<Changes.IndexReadLeaseRenewal>();
        // First start-up filters, so their middleware wraps the fast paths too.
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, ActiveRequestsStartupFilter>();
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, DrainConnectionCloseStartupFilter>();
        // Adds nothing when Logs:Requests is off.
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, RequestLoggingStartupFilter>();
        // Requests for hosts outside Registry:AllowedHosts are refused before anything, the fast paths included.
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, AllowedHostsStartupFilter>();
        // Cargo's index reads skip routing and the rest of the pipeline when they can (see SparseIndexFastPath).
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, SparseIndexFastPathStartupFilter>();
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, DownloadFastPathStartupFilter>();
        // Registered after the fast paths, so it runs after them: only what they did not answer leaves the I/O thread.
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, ThreadPoolPipelineStartupFilter>();
        services.AddSingleton(sp => new SmallFileCache(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Core.Options.RegistryOptions>>().Value.DownloadCacheMegabytes * 1024L * 1024,
            sp.GetRequiredService<TimeProvider>()));
        services.AddGhostCrateUi();
        services.AddGhostCrateOpenApi();
        services.AddGhostCrateHealth();
        return services;
    }

    /// <summary>Cargo routes (index, API) first, then operational routes.</summary>
    public static WebApplication MapGhostCrate(this WebApplication app)
    {
        CurrentRequest.Use(app);
        app.UseGhostCrateMetrics(); // GET /metrics, before the UI and its session (Web/Metrics)
        app.UseTrustedForwardedHeaders();
        app.UseSecureCookies();
        app.UseGhostCrateUi();
        // Pages have their own friendly error pages (UseGhostCrateUi); every other route answers in Cargo's envelope.
        app.UseWhen(context => !UiPaths.IsPage(context), branch => branch.UseMiddleware<CargoExceptionMiddleware>());
        app.UseAuthentication();
        app.UseLocalWriteInvalidation();
        app.UseIndexWriteConfirmation();
        app.MapSparseIndex();
        // Before MapCargoApi: its catch-all for unknown /api/v1 routes must not shadow these.
        app.MapAdvisories();
        app.MapSbom();
        app.MapDocsApi();
        app.MapFeeds();
        app.MapDeletion();
        app.MapCargoApi();
        Docs.DocsServing.MapDocsFiles(app);
        app.MapProxyMounts();
        app.MapProxyAdmin();
        app.MapMirror();
        app.MapToolchains();
        app.MapCustomToolchains();
        app.MapOfflineMirrorAdmin();
        app.MapMirrorJobs();
        app.MapHealth();
        app.MapLogin();
        app.MapAccount();
        app.MapAdmin();
        app.MapAnalytics();
        app.MapNotifications();
        app.MapFollowing();
        app.MapBackups();
        app.MapOrganizations();
        app.MapOwnerInvitations();
        app.MapLicenses();
        app.MapPolicy();
        app.MapBrandingAdmin();
        app.MapHolds();
        app.MapCrateTransfers();
        app.MapSso();
        app.MapGhostCrateUi();
        app.MapGhostCrateOpenApi();
        return app;
    }
}
