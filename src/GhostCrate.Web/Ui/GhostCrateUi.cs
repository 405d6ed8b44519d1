using GhostCrate.Web.Endpoints;
using GhostCrate.Web.Ui.Assets;
using GhostCrate.Web.Ui.Readme;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Ui;

/// <summary>The server-rendered web UI (Razor Pages in Pages/, embedded assets, friendly error pages).</summary>
public static class GhostCrateUi
{
    public static IServiceCollection AddGhostCrateUi(this IServiceCollection services)
    {
        var assembly = typeof(GhostCrateUi).Assembly;
        services.AddRazorPages(options =>
            {
                options.Conventions.ConfigureFilter(new ServiceFilterAttribute(typeof(BrowseAccessFilter)));
                // GET-only pages whose path also takes a POST from another endpoint (POST /login signs in).
                options.Conventions.AddPageApplicationModelConvention("/Login", model => model.EndpointMetadata.Add(new HttpMethodMetadata(["GET", "HEAD"])));
            })
            .ConfigureApplicationPartManager(manager =>
            {
                // The host may already have found this assembly through its dependencies; twice would mean every
                // page route is ambiguous.
                if (manager.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly)) return;
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly)) manager.ApplicationParts.Add(part);
            });
        services.AddSingleton<BrowseAccessFilter>();
        services.AddSingleton<UiPaths>();
        services.AddSingleton<AssetCatalog>();
        services.AddSingleton<ReadmeRenderer>();
        services.AddSingleton<Source.CrateSources>();
        services.AddSingleton<PendingInvitations>();
        services.AddSingleton<CargoSnippets>();
        services.AddSingleton<Branding>();
        services.AddHostedService<BrandingStartupLoad>();
        services.AddSingleton<OfflineMirror.OfflineMirrorStatusService>();
        services.AddSingleton<Core.Operations.IDependencyProbe, OfflineMirror.OfflineMirrorProbe>();
        return services;
    }

    /// <summary>
    /// Pages only (see <see cref="UiPaths"/>): security headers, unhandled exceptions and empty error responses become
    /// the friendly /error/{code} page. Cargo and JSON routes keep their own error formats. Registered on the
    /// application itself, not in a UseWhen branch: re-executing /error/{code} needs the application's route builder,
    /// which branches do not carry.
    /// </summary>
    public static WebApplication UseGhostCrateUi(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error/500" });
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.Use((context, next) =>
        {
            if (!UiPaths.IsPage(context) && context.Features.Get<IStatusCodePagesFeature>() is { } statusPages) statusPages.Enabled = false;
            return next(context);
        });
        return app;
    }

    public static WebApplication MapGhostCrateUi(this WebApplication app)
    {
        app.MapUiAssets();
        app.MapBrandingFiles();
        app.MapRazorPages();
        app.MapDownloadStats();
        return app;
    }
}
