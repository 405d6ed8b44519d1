using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Ui;

/// <summary>
/// Which requests belong to people (HTML pages, friendly error pages) and which to machines (Cargo's index and API,
/// the crates.io mirror, probes, assets), whose errors keep their own formats.
/// </summary>
public static class UiPaths
{
    private static readonly string[] MachinePrefixes = ["/api/", "/index/", "/crates-io/", "/assets/"];
    private static readonly string[] MachinePaths = ["/api", "/index", "/crates-io", "/health", "/ready"];

    public static bool IsPage(PathString path)
    {
        var value = path.Value ?? "/";
        foreach (var exact in MachinePaths)
        {
            if (value.Equals(exact, StringComparison.OrdinalIgnoreCase)) return false;
        }
        foreach (var prefix in MachinePrefixes)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }
}
