using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Ui;

/// <summary>
/// Which requests belong to people (HTML pages, friendly error pages) and which to machines (Cargo's index and API,
/// the proxy's mounts such as /crates-io/, the offline mirror's mount, probes, assets), whose errors keep their own
/// formats. The proxy and mirror mounts come from their settings, so a renamed upstream is still a machine path.
/// </summary>
public sealed class UiPaths
{
    private static readonly string[] FixedPrefixes = ["/api/", "/index/", "/assets/", "/crates-io/", "/feeds/"];
    private static readonly string[] FixedPaths = ["/api", "/index", "/health", "/ready"];

    private readonly string[] _prefixes;

    public UiPaths(IServiceProvider services)
    {
        var prefixes = new List<string>(FixedPrefixes);
        if (services.GetService<IOptions<ProxyOptions>>()?.Value is { } proxy)
        {
            prefixes.AddRange(proxy.EffectiveUpstreams().Select(u => "/" + u.Key + "/"));
        }
        if (services.GetService<IOptions<MirrorOptions>>()?.Value is { Enabled: true } mirror)
        {
            prefixes.Add("/" + mirror.MountPath.Trim('/') + "/");
            prefixes.Add("/" + mirror.ToolchainMountPath.Trim('/') + "/");
        }
        _prefixes = prefixes.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    public static bool IsPage(HttpContext context) => context.RequestServices.GetRequiredService<UiPaths>().IsPage(context.Request.Path);

    public bool IsPage(PathString path)
    {
        var value = path.Value ?? "/";
        foreach (var exact in FixedPaths)
        {
            if (value.Equals(exact, StringComparison.OrdinalIgnoreCase)) return false;
        }
        foreach (var prefix in _prefixes)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || value.Equals(prefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }
}
