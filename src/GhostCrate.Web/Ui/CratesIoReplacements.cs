using GhostCrate.Core.Options;

namespace GhostCrate.Web.Ui;

/// <summary>One way this server can stand in for crates.io, as a copy-ready cargo configuration.</summary>
public sealed record CratesIoReplacement(string Id, string Title, string Description, string Snippet)
{
    /// <summary>The accessible name of the snippet and, with "Copy: ", of its copy button.</summary>
    public string Label => Id == "setup-mirror" ? "crates.io proxy configuration" : "Offline crates.io mirror configuration";
}

/// <summary>
/// The crates.io replacements this server really serves: the proxy's crates.io upstream (when Proxy:Enabled) and the
/// offline mirror (when Mirror:Directory is set). A snippet for a mount that is not served would break every build
/// that copies it, so nothing is offered when neither is configured.
/// </summary>
public static class CratesIoReplacements
{
    public static IReadOnlyList<CratesIoReplacement> For(string baseUrl, string registryName, ProxyOptions proxy, MirrorOptions mirror)
    {
        var list = new List<CratesIoReplacement>();
        foreach (var (mount, upstream) in proxy.EffectiveUpstreams())
        {
            var isCratesIo = mount == ProxyOptions.CratesIo
                || (upstream.IndexUrl ?? "").Contains("index.crates.io", StringComparison.OrdinalIgnoreCase);
            if (!isCratesIo) continue;
            list.Add(new CratesIoReplacement("setup-mirror", "Through this server (online, cached)",
                $"Fetch crates.io crates through this server, which caches them (faster builds, and crates already fetched still work when crates.io is unreachable). Served at /{mount}/.",
                CargoSnippets.Mirror(baseUrl, mount, registryName + "-mirror")));
            break;
        }
        if (mirror.Enabled)
        {
            list.Add(new CratesIoReplacement("setup-offline-mirror", "Offline mirror",
                $"Use the offline mirror this server keeps (no internet needed; only the crates it holds resolve). Served at {mirror.MountPath}.",
                CargoSnippets.Mirror(baseUrl, mirror.MountPath, registryName + "-offline")));
        }
        return list;
    }
}
