using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>The effective settings of this node, secrets redacted (<see cref="ConfigurationReport"/>).</summary>
public sealed class ConfigModel : AdminPageModel
{
    public IReadOnlyList<(string Section, IReadOnlyList<ConfigurationEntry> Entries)> Sections { get; private set; } = [];

    public void OnGet()
    {
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
