using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Downloads;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GhostCrate.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers the use cases. Ports (repositories, blob store) and options are registered by the host.</summary>
    public static IServiceCollection AddGhostCrateCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AccessCache>();
        services.AddSingleton<Changes.ILocalWriteFollower>(sp => sp.GetRequiredService<AccessCache>());
        services.AddSingleton<TokenAuthenticator>();
        services.AddSingleton<UserService>();
        services.AddSingleton<AdminBootstrap>();
        services.AddSingleton<CrateAccess>();
        services.AddSingleton<PublishService>();
        services.AddSingleton<YankService>();
        services.AddSingleton<Deletion.DeletionService>();
        services.AddSingleton<OwnerService>();
        services.AddSingleton<OwnerInvitationService>();
        services.AddSingleton<Organizations.CrateTransferService>();
        services.AddSingleton<SearchService>();
        services.AddSingleton(sp => new RemoteCrateFileCache(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Options.RegistryOptions>>().Value.DownloadCacheMegabytes * 1024L * 1024,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var downloads = ActivatorUtilities.CreateInstance<DownloadService>(sp);
            sp.GetRequiredService<Index.IndexFileCache>().Changed += downloads.Forget;
            return downloads;
        });
        services.AddSingleton<SparseIndexService>();
        services.TryAddSingleton<Abstractions.IRequestOrigin, Abstractions.NoRequestOrigin>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<TokenService>();
        services.AddSingleton(sp => new IndexFileCache(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Options.RegistryOptions>>().Value.IndexCacheMegabytes * 1024L * 1024));
        services.AddSingleton<IndexChangeFollower>();
        services.AddSingleton<IndexReadLease>();
        services.AddSingleton<IndexWriteConfirmation>();
        services.AddSingleton<DownloadCounter>();
        // Backup and verified restore (issue 19): the database and backup-location ports come from Data and the host.
        services.AddSingleton<Backup.BackupCreator>();
        services.AddSingleton<Backup.BackupVerifier>();
        services.AddSingleton<Backup.BackupRestorer>();
        // Usage analytics for administrators (issue 27): daily counters flushed with the download counts.
        services.AddSingleton<Analytics.UsageCounter>();
        services.AddSingleton<Analytics.AnalyticsService>();
        services.AddSingleton<Organizations.OrganizationService>();
        services.AddSingleton<SsoLoginService>();
        // Web UI queries and download statistics (issue 6).
        services.AddSingleton<DownloadStatsService>();
        services.AddSingleton<CrateVisibility>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<Search.BrowseService>();
        services.AddSingleton<CrateDetailsService>();
        services.AddSingleton<DependencyGraphService>();
        // Security advisories (issue 20): the RustSec import and the affected-version findings.
        services.AddSingleton<Advisories.AdvisoryService>();
        services.AddSingleton<Advisories.AffectedCrates>();
        services.AddSingleton<ContentChecks.ProxiedCrateFlagger>();
        services.AddSingleton<Typosquats.TyposquatService>();
        services.AddSingleton<Holds.HoldService>();
        services.AddSingleton<Sbom.SbomService>();
        // Licences (issue 20): the publish-time policy check, organizations' policies and the report.
        services.AddSingleton<Licenses.LicenseService>();
        services.AddSingleton<Licenses.ForeignLicenses>();
        // Download policy (issue 20 item 3): blocking by advisory severity, the allow-list, the proxy's quarantine.
        services.AddSingleton<Policy.DownloadPolicy>();
        services.AddSingleton<Changes.ILocalWriteFollower>(sp => sp.GetRequiredService<Policy.DownloadPolicy>());
        services.AddSingleton<Policy.PolicyService>();
        services.AddSingleton<Policy.ProxyQuarantine>();
        services.AddSingleton<Feeds.FeedService>();
        // Branding set from the admin UI (issue 23 item 5): per node in memory, following the branding revision.
        services.AddSingleton<Branding.BrandingService>();
        // The job queue (issue 21): the runner and scheduler the host's worker drives, and the queue's own upkeep.
        services.AddSingleton<Jobs.JobRunner>();
        services.AddSingleton<Jobs.JobScheduler>();
        services.AddJobHandler<Jobs.PruneJobsHandler>();
        services.AddJobHandler<Advisories.AdvisorySyncJobHandler>();
        services.AddRecurringJob(Jobs.PruneJobsHandler.Schedule);
        // Crates' downloads of the last 90 days (search ranks by them): the window moves as days pass.
        services.AddJobHandler<Downloads.RecentDownloadsWindowHandler>();
        services.AddRecurringJob(Downloads.RecentDownloadsWindowHandler.Schedule);
        services.AddSingleton<Jobs.JobAdminService>();
        services.AddSingleton<Notifications.WebhookService>();
        // Email notifications: who gets which event (EmailFanOut, run by the event's fan-out job), the users' choices,
        // links from Registry:PublicUrl, and the hourly sweep that writes token.expiring events.
        services.AddSingleton<Notifications.Email.EmailLinks>();
        services.AddSingleton<Notifications.Email.EmailFanOut>();
        services.AddSingleton<Notifications.Email.EmailPreferenceService>();
        // Following crates and organizations: the API's service, and the followers the email fan-out adds.
        services.AddSingleton<Following.FollowService>();
        services.AddSingleton<Following.FollowerRecipients>();
        services.AddJobHandler<Following.PruneEndedFollowsHandler>();
        services.AddRecurringJob(Following.PruneEndedFollowsHandler.Schedule);
        services.AddJobHandler<Notifications.TokenExpiryHandler>();
        services.AddJobHandler<Notifications.PruneWebhookDeliveriesHandler>();
        services.AddRecurringJob(Notifications.PruneWebhookDeliveriesHandler.Schedule);
        services.AddRecurringJob(Notifications.TokenExpiryHandler.Schedule);
        // Rustdoc upload and serving (issue 22, docs/rustdoc.md).
        services.AddSingleton<Docs.DocsUploadService>();
        services.AddSingleton<Docs.DocsReader>();
        services.AddJobHandler<Docs.DeleteDocsGenerationHandler>();
        services.AddJobHandler<Deletion.DeleteCrateFilesHandler>();
        services.AddSingleton<Docs.DocsGenerationStore>();
        // The sandboxed builder: the queue runs everywhere (fan-out, rebuild); the docs.build handler only on nodes
        // with Docs:Build:Enabled (the host registers it: GhostCrate/Composition/Backends.cs).
        services.AddSingleton<Docs.Build.DocsBuildCredentials>();
        services.AddSingleton<Docs.Build.DocsBuildQueue>();
        services.AddSingleton<Docs.Build.DocsBuilder>();
        services.AddSingleton<Docs.Build.DocsBuildStatusService>();
        services.AddSingleton<Docs.Build.DocsRebuildAllService>();
        // On every node, builder or not: the job only queues builds.
        services.AddJobHandler<Docs.Build.DocsRebuildAllHandler>();
        services.AddSingleton<Docs.Build.DocsBuildOverviewService>();
        services.AddSingleton<Operations.ProbeRunner>();
        services.AddSingleton<Operations.SystemStatusService>();
        services.AddSingleton<Operations.IDependencyProbe, Operations.DatabaseProbe>();
        services.AddSingleton<Operations.IDependencyProbe, Operations.BlobStoreProbe>();
        services.AddSingleton<Operations.IDependencyProbe, Operations.UpstreamProbe>();
        return services;
    }
}
