using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Downloads;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Catalog;
using GhostCrate.Data.Crates;
using GhostCrate.Data.Downloads;
using GhostCrate.Data.Identity;
using GhostCrate.Data.Migrations;
using GhostCrate.Data.Proxy;

namespace GhostCrate.Data;

/// <summary>
/// Every data port over one connection factory, for the CLI (`ghostcrate migrate`) and tests that do not use DI.
/// Disposing it closes the connection pool.
/// </summary>
public sealed class GhostCrateDatabase : IAsyncDisposable, IDisposable
{
    private readonly IDbConnectionFactory _factory;

    private GhostCrateDatabase(IDbConnectionFactory factory, DatabaseOptions options)
    {
        _factory = factory;
        Database = new SqlDatabase(factory);
        Backup = factory.Provider == DatabaseProvider.Postgres
            ? new GhostCrate.Data.Backup.PostgresDatabaseBackup(options, Database)
            : new GhostCrate.Data.Backup.SqliteDatabaseBackup(factory, options);
        Crates = new CrateRepository(factory);
        Owners = new OwnerRepository(factory);
        OwnerInvitations = new OwnerInvitationRepository(factory);
        Users = new UserRepository(factory);
        Tokens = new TokenRepository(factory);
        ExternalLogins = new ExternalLoginRepository(factory);
        LoginStates = new LoginStateRepository(factory);
        Audit = new Audit.AuditRepository(factory);
        ProxyCache = new ProxyCacheRepository(factory);
        UpstreamStatuses = new UpstreamStatusRepository(factory);
        Organizations = new Organizations.OrganizationRepository(factory);
        CrateGroupOwners = new Organizations.CrateGroupOwnerRepository(factory);
        CrateTransfers = new Organizations.CrateTransferRepository(factory);
        Catalog = new CrateCatalog(factory);
        Tags = new Search.CrateTagCatalog(factory);
        DownloadStats = new DownloadStatsRepository(factory);
        Usage = new Analytics.UsageRepository(factory);
        Advisories = new Advisories.AdvisoryRepository(factory);
        ContentFlags = new ContentChecks.ContentFlagRepository(factory);
        PrivateCrateNames = new Typosquats.PrivateCrateNames(factory);
        HeldVersions = new Holds.HeldVersionRepository(factory);
        Licenses = new Licenses.LicenseRepository(factory);
        Policy = new Policy.PolicyRepository(factory);
        Branding = new Branding.BrandingRepository(factory);
        JobWakeup = new Jobs.LocalJobWakeup();
        Jobs = new Jobs.JobRepository(factory, JobWakeup);
        Webhooks = new Notifications.WebhookRepository(factory);
        UpstreamCircuits = new Proxy.UpstreamCircuitLog(factory);
        EmailPreferences = new Notifications.EmailPreferenceRepository(factory);
        Follows = new Following.FollowRepository(factory);
        TokenExpiry = new Notifications.TokenExpiryStore(factory);
        IndexFiles = new Index.IndexFileRepository(factory);
        IndexReadLeases = new Index.IndexReadLeaseRepository(factory);
        Docs = new Docs.DocsRepository(factory, JobWakeup);
        Deletions = new Deletion.DeletionRepository(factory);
        Feeds = new Feeds.FeedQueries(factory);
        DataProtectionKeys = new DataProtectionKeyRepository(factory);
        AccessEpoch = new AccessEpochRepository(factory);
    }

    /// <summary>Opens nothing yet; the first call connects. Throws when the options name no connection string.</summary>
    public static GhostCrateDatabase Create(DatabaseOptions options) => new(DbConnectionFactory.Create(options), options);

    public DatabaseProvider Provider => _factory.Provider;
    public IDatabase Database { get; }
    public ICrateRepository Crates { get; }
    public IOwnerRepository Owners { get; }
    public IOwnerInvitationRepository OwnerInvitations { get; }
    public IUserRepository Users { get; }
    public ITokenRepository Tokens { get; }
    public IExternalLoginRepository ExternalLogins { get; }
    public ILoginStateRepository LoginStates { get; }
    public Core.Audit.IAuditRepository Audit { get; }
    public IProxyCacheRepository ProxyCache { get; }
    public IUpstreamStatusRepository UpstreamStatuses { get; }
    public Core.Organizations.IOrganizationRepository Organizations { get; }
    public Core.Organizations.ICrateGroupOwnerRepository CrateGroupOwners { get; }
    public Core.Organizations.ICrateTransferRepository CrateTransfers { get; }
    public ICrateCatalog Catalog { get; }
    public Core.Search.ICrateTagCatalog Tags { get; }
    public IDownloadStatsRepository DownloadStats { get; }
    public Core.Analytics.IUsageRepository Usage { get; }
    public Core.Advisories.IAdvisoryRepository Advisories { get; }
    public Core.ContentChecks.IContentFlagRepository ContentFlags { get; }
    public Core.Typosquats.IPrivateCrateNames PrivateCrateNames { get; }
    public Core.Holds.IHeldVersionRepository HeldVersions { get; }
    public Core.Licenses.ILicenseRepository Licenses { get; }
    public Core.Policy.IPolicyRepository Policy { get; }
    public Core.Branding.IBrandingRepository Branding { get; }
    public Core.Index.IIndexFileStore IndexFiles { get; }
    public Core.Index.IIndexReadLeases IndexReadLeases { get; }
    public Core.Docs.IDocsRepository Docs { get; }
    public Core.Deletion.IDeletionRepository Deletions { get; }

    public Core.Feeds.IFeedQueries Feeds { get; }
    public IDataProtectionKeyStore DataProtectionKeys { get; }
    public IAccessEpoch AccessEpoch { get; }
    public Core.Backup.IDatabaseBackup Backup { get; }
    public Core.Jobs.IJobRepository Jobs { get; }
    public Core.Jobs.IJobWakeup JobWakeup { get; }
    public Core.Notifications.IWebhookRepository Webhooks { get; }
    public Core.Proxy.IUpstreamCircuitLog UpstreamCircuits { get; }
    public Core.Notifications.Email.IEmailPreferenceRepository EmailPreferences { get; }
    public Core.Following.IFollowRepository Follows { get; }
    public Core.Notifications.ITokenExpiryStore TokenExpiry { get; }
    public Core.Backup.IBackupRunLog BackupRuns => new GhostCrate.Data.Backup.BackupRunRepository(_factory);
    public Core.MirrorJobs.IMirrorRunRepository MirrorRuns => new GhostCrate.Data.MirrorJobs.MirrorRunRepository(_factory);
    public Core.Backup.IBackupSnapshotReader BackupSnapshots { get; } = new GhostCrate.Data.Backup.SqliteSnapshotReader();

    /// <summary>
    /// This node's change feed (PostgreSQL: one LISTEN connection for every topic; SQLite: an in-process poll). It holds
    /// its connection only while <see cref="Core.Changes.IChangeFeed.RunAsync"/> runs, so whoever runs it owns it and
    /// nothing needs disposing here.
    /// </summary>
    public Core.Changes.IChangeFeed CreateChangeFeed(TimeProvider time, Microsoft.Extensions.Logging.ILoggerFactory loggers)
    {
        var subscribers = new Core.Changes.ChangeSubscribers(Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<Core.Changes.ChangeSubscribers>(loggers));
        return _factory.Provider == DatabaseProvider.Postgres
            ? new Changes.PostgresChangeFeed(_factory, time, subscribers, Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<Changes.PostgresChangeFeed>(loggers))
            : new Changes.LocalChangeFeed(time, subscribers);
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    public void Dispose() => _factory.Dispose();
}
