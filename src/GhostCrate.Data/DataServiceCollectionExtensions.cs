using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Data.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDatabase"/>, <see cref="ICrateRepository"/>, <see cref="IOwnerRepository"/>,
    /// <see cref="IUserRepository"/> and <see cref="ITokenRepository"/> as singletons over one
    /// <see cref="GhostCrateDatabase"/> (which the container disposes). Each call opens its own pooled connection.
    /// </summary>
    public static IServiceCollection AddGhostCrateData(this IServiceCollection services, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        // Fail at start-up, not on the first request, when the options cannot work.
        DbConnectionFactory.Validate(options);
        services.AddSingleton(_ => GhostCrateDatabase.Create(options));
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Database);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Crates);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Owners);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().OwnerInvitations);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Users);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Tokens);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().ExternalLogins);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().LoginStates);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Audit);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().ProxyCache);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().UpstreamStatuses);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Organizations);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().CrateGroupOwners);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().CrateTransfers);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Catalog);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Tags);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().DownloadStats);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Usage);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Advisories);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().ContentFlags);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().PrivateCrateNames);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().HeldVersions);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Licenses);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Policy);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Branding);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().IndexFiles);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().IndexReadLeases);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().DataProtectionKeys);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().AccessEpoch);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().CreateChangeFeed(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Backup);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().BackupSnapshots);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Jobs);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().JobWakeup);
        // Secrets are encrypted at rest: the repository is wrapped by the one that protects them (the protector comes
        // from the host, which owns the Data Protection key ring).
        services.AddSingleton<Core.Notifications.IWebhookRepository>(sp => new Core.Notifications.ProtectedWebhookRepository(
            sp.GetRequiredService<GhostCrateDatabase>().Webhooks,
            sp.GetRequiredService<Core.Notifications.IWebhookSecretProtector>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Core.Notifications.ProtectedWebhookRepository>>()));
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().UpstreamCircuits);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().EmailPreferences);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Follows);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().TokenExpiry);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().BackupRuns);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().MirrorRuns);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Docs);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Deletions);
        services.AddSingleton(sp => sp.GetRequiredService<GhostCrateDatabase>().Feeds);
        return services;
    }
}
