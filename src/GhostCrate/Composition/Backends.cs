using GhostCrate.Configuration;
using GhostCrate.Core;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using GhostCrate.Data;
using GhostCrate.Storage.FileSystem;
using GhostCrate.Storage.S3;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Composition;

/// <summary>The composition root's one switch: validated settings pick the database and the blob store, once.</summary>
public static class Backends
{
    public static IServiceCollection AddGhostCrate(this IServiceCollection services, GhostCrateSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Registry));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Database));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Storage));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Identity));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.RateLimits));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Mirror));
        // The served offline mirror's versions, for advisory findings and the licence report (none when Mirror:Directory is empty).
        services.AddSingleton<Core.Licenses.IMirroredCrateFiles, Mirror.Licenses.MirroredCrateFiles>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.ReverseProxy));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Server));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Logs));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Metrics));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Telemetry));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Jobs));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Webhooks));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Email));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Backup));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Docs));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Licenses));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Ui));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Publishing));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Policy));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Advisories));
        services.AddGhostCrateData(settings.Database);
        switch (settings.Storage.Provider)
        {
            case StorageProvider.FileSystem:
                services.AddGhostCrateFileSystemStorage(settings.Storage.Path!);
                Core.Storage.TimedBlobStore.Decorate(services, "filesystem");
                break;
            case StorageProvider.S3:
                services.AddGhostCrateS3Storage(settings.Storage.S3);
                Core.Storage.TimedBlobStore.Decorate(services, "s3");
                break;
            default:
                throw new InvalidOperationException($"unknown storage provider {settings.Storage.Provider}");
        }
        services.AddGhostCrateCore();
        services.AddGhostCrateProxy(settings.Proxy);
        AddScheduledBackups(services, settings);
        // Docs builds run only on nodes that have the builder on; other nodes leave docs.build jobs to them.
        if (settings.Docs.Build.Enabled) services.AddJobHandler<Core.Docs.Build.DocsBuildHandler>();
        return services;
    }

    /// <summary>Backups run by the server's job queue: the handler on every node, the schedule when Backup:Schedule is set.</summary>
    private static void AddScheduledBackups(IServiceCollection services, GhostCrateSettings settings)
    {
        services.AddSingleton<Core.Backup.IBackupLocationFactory, BackupLocations>();
        services.AddSingleton(new Core.Backup.BackupProgramVersion(Cli.BuildInfo.Version));
        services.AddSingleton<Core.Backup.BackupAdminService>();
        services.AddJobHandler<Core.Backup.BackupJobHandler>();
        if (Core.Backup.BackupJobHandler.Recurring(settings.Backup) is { } schedule) services.AddRecurringJob(schedule);
        if (Core.Advisories.AdvisorySyncJobHandler.Recurring(settings.Advisories) is { } advisorySync) services.AddRecurringJob(advisorySync);
    }
}
