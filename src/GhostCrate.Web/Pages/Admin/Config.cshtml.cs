using GhostCrate.Core.Branding;
using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// The effective settings of this node, secrets redacted (<see cref="ConfigurationReport"/>). The branding keys that
/// an administrator overrode on /admin/branding show the value in use and say where it comes from.
/// </summary>
public sealed class ConfigModel(BrandingService branding) : AdminPageModel
{
    public IReadOnlyList<(string Section, IReadOnlyList<ConfigurationEntry> Entries)> Sections { get; private set; } = [];

    /// <summary>Ui keys set on /admin/branding, with the value in use (the configured one is in <see cref="Sections"/>).</summary>
    public IReadOnlyDictionary<string, string?> BrandingOverrides { get; private set; } = new Dictionary<string, string?>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await branding.CatchUpAsync(cancellationToken);
        var current = branding.Current;
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in new[]
        {
            ("DisplayName", current.DisplayName), ("RegistryName", current.RegistryName), ("AccentColor", current.AccentColor),
            ("FooterText", current.FooterText), ("LoginMessage", current.LoginMessage),
        })
        {
            if (value.Source == BrandingSource.Admin) overrides[$"{UiOptions.Section}:{key}"] = value.Value;
        }
        if (current.Logo is not null) overrides[$"{UiOptions.Section}:LogoUrl"] = Ui.Branding.LogoUrlOf(current);
        BrandingOverrides = overrides;

        var services = HttpContext.RequestServices;
        var sections = new List<(string, IReadOnlyList<ConfigurationEntry>)>();
        void Add<T>(string section) where T : class
        {
            if (services.GetService<IOptions<T>>() is { } options) sections.Add((section, ConfigurationReport.Describe(section, options.Value)));
        }
        Add<DatabaseOptions>(DatabaseOptions.Section);
        Add<StorageOptions>(StorageOptions.Section);
        Add<RegistryOptions>(RegistryOptions.Section);
        Add<IdentityOptions>(IdentityOptions.Section);
        Add<RateLimitOptions>("RateLimits");
        Add<ProxyOptions>(ProxyOptions.Section);
        Add<MirrorOptions>(MirrorOptions.Section);
        Add<ReverseProxyOptions>(ReverseProxyOptions.Section);
        Add<ServerOptions>(ServerOptions.Section);
        Add<LogOptions>(LogOptions.Section);
        Add<MetricsOptions>(MetricsOptions.Section);
        Add<TelemetryOptions>(TelemetryOptions.Section);
        Add<JobOptions>(JobOptions.Section);
        Add<WebhookOptions>(WebhookOptions.Section);
        Add<EmailOptions>(EmailOptions.Section);
        Add<BackupOptions>(BackupOptions.Section);
        Add<DocsOptions>(DocsOptions.Section);
        Add<LicenseOptions>(LicenseOptions.Section);
        Add<UiOptions>(UiOptions.Section);
        Add<ContentCheckOptions>(ContentCheckOptions.Section);
        Add<PolicyOptions>(PolicyOptions.Section);
        Add<AdvisoryOptions>(AdvisoryOptions.Section);
        Sections = sections;
    }
}
