using GhostCrate.Core.Options;
using Microsoft.Extensions.Configuration;

namespace GhostCrate.Configuration;

/// <summary>Every setting, bound and validated before anything starts. Paths are resolved against the working directory.</summary>
public sealed record GhostCrateSettings(
    string DataDir,
    IReadOnlyList<string> Urls,
    DatabaseOptions Database,
    StorageOptions Storage,
    RegistryOptions Registry,
    string? AdminPassword,
    string? AdminToken)
{
    /// <summary>The pull-through proxy (section Proxy); off unless Proxy:Enabled is true.</summary>
    public ProxyOptions Proxy { get; init; } = new();
    /// <summary>Serving an offline mirror directory (section Mirror); off by default.</summary>
    public MirrorOptions Mirror { get; init; } = new();

    public bool AutoMigrate => Database.AutoMigrate ?? Database.Provider == DatabaseProvider.Sqlite;

    /// <summary>Accounts, sessions, tokens, single sign-on (section Identity).</summary>
    public IdentityOptions Identity { get; init; } = new();

    /// <summary>Rate limits on login, token creation and publish (section RateLimits).</summary>
    public RateLimitOptions RateLimits { get; init; } = new();

    /// <summary>Trusted reverse proxies for X-Forwarded-For/-Proto (section ReverseProxy); off by default.</summary>
    public ReverseProxyOptions ReverseProxy { get; init; } = new();

    /// <summary>Graceful drain on SIGTERM (section Server).</summary>
    public ServerOptions Server { get; init; } = new();

    /// <summary>Console log format and per-request logging (section Logs).</summary>
    public LogOptions Logs { get; init; } = new();

    /// <summary>Prometheus /metrics (section Metrics); on by default.</summary>
    public MetricsOptions Metrics { get; init; } = new();

    /// <summary>OTLP export of traces and metrics (section Telemetry); off unless an endpoint is set.</summary>
    public TelemetryOptions Telemetry { get; init; } = new();

    /// <summary>The database job queue's worker on this node (section Jobs); on by default.</summary>
    public JobOptions Jobs { get; init; } = new();

    /// <summary>Webhook deliveries: allowed internal ranges, timeout, retry schedule (section Webhooks).</summary>
    public WebhookOptions Webhooks { get; init; } = new();

    /// <summary>Notification emails over SMTP (section Email); off unless Email:Host is set.</summary>
    public EmailOptions Email { get; init; } = new();
    /// <summary>Scheduled backups run by the server (section Backup); off unless Backup:Schedule is set.</summary>
    public BackupOptions Backup { get; init; } = new();
    /// <summary>Rustdoc upload, serving and builder (section Docs).</summary>
    public DocsOptions Docs { get; init; } = new();

    /// <summary>The registry's licence policy (section Licenses).</summary>
    public LicenseOptions Licenses { get; init; } = new();
    /// <summary>The web UI's registry name in snippets and its branding (section Ui).</summary>
    public UiOptions Ui { get; init; } = new();
    /// <summary>Content flags and approval holds at publish (section Publishing).</summary>
    public ContentCheckOptions Publishing { get; init; } = new();
    /// <summary>Refusing downloads of versions with security advisories (section Policy); off by default.</summary>
    public PolicyOptions Policy { get; init; } = new();
    /// <summary>The server's scheduled advisory sync (section Advisories); off unless SyncFrom is set.</summary>
    public AdvisoryOptions Advisories { get; init; } = new();

    /// <summary>Binds and validates; on failure returns one line per problem, each naming its key.</summary>
    public static (GhostCrateSettings? Settings, IReadOnlyList<string> Errors) Load(IConfiguration config, string workingDirectory)
    {
        var errors = new List<string>();
        var database = Bind<DatabaseOptions>(config, DatabaseOptions.Section, errors);
        var storage = Bind<StorageOptions>(config, StorageOptions.Section, errors);
        var registry = Bind<RegistryOptions>(config, RegistryOptions.Section, errors);
        var identity = Bind<IdentityOptions>(config, IdentityOptions.Section, errors);
        var rateLimits = Bind<RateLimitOptions>(config, RateLimitOptions.Section, errors);
        var proxy = Bind<ProxyOptions>(config, ProxyOptions.Section, errors);
        var mirror = Bind<MirrorOptions>(config, MirrorOptions.Section, errors);
        var reverseProxy = Bind<ReverseProxyOptions>(config, ReverseProxyOptions.Section, errors);
        var server = Bind<ServerOptions>(config, ServerOptions.Section, errors);
        var logs = Bind<LogOptions>(config, LogOptions.Section, errors);
        var metrics = Bind<MetricsOptions>(config, MetricsOptions.Section, errors);
        var telemetry = Bind<TelemetryOptions>(config, TelemetryOptions.Section, errors);
        var jobs = Bind<JobOptions>(config, JobOptions.Section, errors);
        var webhooks = Bind<WebhookOptions>(config, WebhookOptions.Section, errors);
        var email = Bind<EmailOptions>(config, EmailOptions.Section, errors);
        var backup = Bind<BackupOptions>(config, BackupOptions.Section, errors);
        var docs = Bind<DocsOptions>(config, DocsOptions.Section, errors);
        var licenses = Bind<LicenseOptions>(config, LicenseOptions.Section, errors);
        var ui = Bind<UiOptions>(config, UiOptions.Section, errors);
        var publishing = Bind<ContentCheckOptions>(config, ContentCheckOptions.Section, errors);
        var policy = Bind<PolicyOptions>(config, PolicyOptions.Section, errors);
        var advisories = Bind<AdvisoryOptions>(config, AdvisoryOptions.Section, errors);
        if (errors.Count > 0) return (null, errors);

        var dataDirSetting = config["DataDir"];
        if (string.IsNullOrWhiteSpace(dataDirSetting)) errors.Add("DataDir must not be empty");
        var dataDir = Path.GetFullPath(dataDirSetting ?? "./data", workingDirectory);

        var urls = (config["Urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) errors.Add("Urls must name at least one address, e.g. http://127.0.0.1:8000");
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"Urls: '{url}' is not an http(s) address such as http://127.0.0.1:8000");
            }
        }

        if (database.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            database.ConnectionString = $"Data Source={Path.Combine(dataDir, "ghostcrate.db")}";
        }
        storage.Path = Path.GetFullPath(string.IsNullOrWhiteSpace(storage.Path) ? Path.Combine(dataDir, "blobs") : storage.Path, workingDirectory);

        errors.AddRange(OptionsValidation.Validate(database));
        errors.AddRange(OptionsValidation.Validate(storage));
        errors.AddRange(OptionsValidation.Validate(registry));
        errors.AddRange(OptionsValidation.Validate(identity));
        errors.AddRange(OptionsValidation.Validate(rateLimits));
        identity.KeysPath = string.IsNullOrWhiteSpace(identity.KeysPath) ? null : Path.GetFullPath(identity.KeysPath, workingDirectory);
        errors.AddRange(ProxyOptionsValidation.Validate(proxy));
        if (mirror.Enabled) mirror.Directory = Path.GetFullPath(mirror.Directory!, workingDirectory);
        errors.AddRange(MirrorOptions.Validate(mirror, proxy));
        errors.AddRange(ReverseProxyOptions.Validate(reverseProxy));
        errors.AddRange(ServerOptions.Validate(server));
        errors.AddRange(MetricsOptions.Validate(metrics));
        errors.AddRange(JobOptions.Validate(jobs));
        errors.AddRange(WebhookOptions.Validate(webhooks));
        errors.AddRange(EmailOptions.ValidateAndLoad(email, registry, workingDirectory));
        if (!string.IsNullOrWhiteSpace(backup.EncryptionKeyFile)) backup.EncryptionKeyFile = Path.GetFullPath(backup.EncryptionKeyFile, workingDirectory);
        errors.AddRange(BackupOptions.Validate(backup, proxy, mirror));
        errors.AddRange(Composition.BackupLocations.Validate(backup.Target));
        // A relative directory means the same place whichever directory the server was started from.
        if (backup.Configured && !GhostCrate.Storage.S3.Backup.S3BackupTarget.IsS3(backup.Target!)) backup.Target = Path.GetFullPath(backup.Target!, workingDirectory);
        docs.Build.ScratchDir = Path.GetFullPath(string.IsNullOrWhiteSpace(docs.Build.ScratchDir) ? Path.Combine(dataDir, "docs-build") : docs.Build.ScratchDir, workingDirectory);
        if (string.IsNullOrWhiteSpace(docs.Build.RegistryUrl)) docs.Build.RegistryUrl = DocsBuildOptions.DefaultRegistryUrl(urls);
        errors.AddRange(DocsOptions.Validate(docs));
        errors.AddRange(LicenseOptions.Validate(licenses));
        errors.AddRange(UiOptions.Validate(ui));
        errors.AddRange(ContentCheckOptions.Validate(publishing));
        errors.AddRange(PolicyOptions.Validate(policy));
        // A relative path would depend on the directory the server was started from: resolve it like Backup:Target.
        if (advisories.Enabled && !Core.Advisories.AdvisorySource.IsGitUrl(advisories.SyncFrom!.Trim()))
            advisories.SyncFrom = Path.GetFullPath(advisories.SyncFrom!.Trim(), workingDirectory);
        errors.AddRange(AdvisoryOptions.Validate(advisories));
        errors.AddRange(DocsBuildOptions.Validate(docs.Build, Environment.IsPrivilegedProcess));
        errors.AddRange(TelemetryOptions.Validate(telemetry, Environment.GetEnvironmentVariable));

        var adminToken = config["ADMIN_TOKEN"] ?? config["Admin:Token"];
        if (!string.IsNullOrEmpty(adminToken) && adminToken.Length < Core.Identity.AdminBootstrap.MinimumTokenLength)
        {
            errors.Add($"GHOSTCRATE_ADMIN_TOKEN must be at least {Core.Identity.AdminBootstrap.MinimumTokenLength} characters long");
        }
        var adminPassword = config["ADMIN_PASSWORD"] ?? config["Admin:Password"];
        if (!string.IsNullOrEmpty(adminPassword) && adminPassword.Length < 8) errors.Add("GHOSTCRATE_ADMIN_PASSWORD must be at least 8 characters long");

        return errors.Count > 0
            ? (null, errors)
            : (new GhostCrateSettings(dataDir, urls, database, storage, registry, adminPassword, adminToken) { Identity = identity, RateLimits = rateLimits, Proxy = proxy, Mirror = mirror, ReverseProxy = reverseProxy, Server = server, Logs = logs, Metrics = metrics, Telemetry = telemetry, Jobs = jobs, Webhooks = webhooks, Email = email, Backup = backup, Docs = docs, Ui = ui, Publishing = publishing, Licenses = licenses, Policy = policy, Advisories = advisories }, errors);
    }

    /// <summary>Unknown keys are errors: a typo such as Registry:AuthRequierd must not silently leave a registry open.</summary>
    private static T Bind<T>(IConfiguration config, string section, List<string> errors) where T : new()
    {
        try
        {
            return config.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(Describe(ex, section));
            return new T();
        }
    }

    private static string Describe(InvalidOperationException ex, string section)
    {
        // The binder's messages name the key ("... at 'Database:Provider' ..."); keep the first line only.
        var message = (ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}").Split('\n')[0].Trim();
        return $"invalid setting in section {section}: {message}";
    }
}
