using System.Net.Sockets;
using GhostCrate.Composition;
using GhostCrate.Configuration;
using GhostCrate.Core.Threading;
using GhostCrate.Web;
using GhostCrate.Web.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Cli;

/// <summary>`ghostcrate serve`: the registry's web server.</summary>
public static class ServeCommand
{
    /// <summary>Default limit for every request body; routes that take more set their own (Web/Http/RequestBodyLimit).</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Builds a ready-to-start application (tests use this with port 0).</summary>
    public static async Task<WebApplication> BuildAsync(IConfiguration configuration, GhostCrateSettings settings, TextWriter output, CancellationToken cancellationToken, Action<IServiceCollection>? overrideServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = HostDefaults.Args,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = DefaultMaxRequestBodyBytes;
        });
        if (IoThreads.InlineCompletions)
        {
            // Requests start on the socket thread that received them (see InlineSocketCompletions).
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
            builder.Services.AddPoolResumingHttpConnections();
        }
        builder.Logging.AddGhostCrateConsole(settings.Logs);
        builder.Services.AddGhostCrate(settings);
        builder.Services.AddGhostCrateWeb();
        builder.Services.AddGhostCrateTelemetry(settings.Metrics, settings.Telemetry);
        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();
        await StartupTasks.EnsureSchemaAsync(app.Services, settings, cancellationToken);
        await StartupTasks.EnsureStorageAsync(app.Services, settings, cancellationToken);
        await StartupTasks.BootstrapAdminAsync(app.Services, settings, output, cancellationToken);
        if (await StartupTasks.ImportLegacyKeysAsync(app.Services, settings, cancellationToken) is > 0 and var imported)
        {
            await output.WriteLineAsync($"Copied {imported} cookie key(s) from {Path.Combine(settings.DataDir, "keys")} into the database (the folder is no longer read).");
        }
        Web.Auth.IdentityWebServices.LoadCookieKeys(app.Services);
        // Reading every webhook endpoint once encrypts the signing secrets of rows written before they were encrypted
        // (Core.Notifications.ProtectedWebhookRepository), so no plaintext secret stays in the database after a start.
        await app.Services.GetRequiredService<Core.Notifications.IWebhookRepository>().ListAsync(cancellationToken);
        app.MapGhostCrate();
        return app;
    }

    public static async Task<int> RunAsync(ParsedArgs args, IConfiguration configuration, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--urls", "--data-dir", "--config");
        // Only serving answers requests, so only `serve` needs to know its public address (migrate and admin do not).
        if (ListenAddresses.Validate(settings.Urls, settings.Registry).FirstOrDefault() is { } exposed) throw new CliException(exposed);
        Directory.CreateDirectory(settings.DataDir);
        var inline = InlineSocketCompletions.Apply(settings);
        await using var app = await BuildAsync(configuration, settings, output, CancellationToken.None);
        app.Services.GetRequiredService<Web.Health.NodeLifecycle>().DrainBeforeStop = true;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GhostCrate");
        app.Lifetime.ApplicationStarted.Register(() =>
            logger.LogInformation("GhostCrate listening on {Urls} (database: {Database}, storage: {Storage}, data: {DataDir}, auth-required: {AuthRequired})",
                string.Join(", ", settings.Urls), settings.Database.Provider, settings.Storage.Provider, settings.DataDir, settings.Registry.AuthRequired));
        if (inline)
        {
            app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation(
                "Socket threads answer from memory themselves ({Variable}=1; set it to 0 to hand every request to the thread pool)", InlineSocketCompletions.RuntimeVariable));
        }
        try
        {
            await app.RunAsync();
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException or SocketException)
        {
            // Kestrel's message names the address and the reason ("Failed to bind to address ...: address already in use.").
            throw new CliException(ex.Message);
        }
        return 0;
    }
}
