using System.Net;

namespace GhostCrate.Configuration;

/// <summary>Which of the `Urls` GhostCrate listens on can be reached from other machines.</summary>
public static class ListenAddresses
{
    /// <summary>
    /// True for `localhost` and loopback IPs (Kestrel binds `localhost` to 127.0.0.1 and ::1 only); false for `*`, `+`,
    /// 0.0.0.0, [::], any other address and any other name (Kestrel binds names other than localhost to every address).
    /// </summary>
    public static bool IsLoopback(string url)
    {
        if (url.Contains("://*", StringComparison.Ordinal) || url.Contains("://+", StringComparison.Ordinal)) return false;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>
    /// Without Registry:PublicUrl, the URLs GhostCrate renders (config.json's `dl` and `api`, login_url, page links)
    /// come from the request's Host header. On loopback only local clients can send one; beyond it anyone could, and a
    /// shared cache keyed on the path would pass their answer on to everyone. So a server reachable from other machines
    /// must either know its public URL or the host names it answers.
    /// </summary>
    public static IEnumerable<string> Validate(IReadOnlyList<string> urls, Core.Options.RegistryOptions registry)
    {
        if (registry.PublicUrl is { Length: > 0 } || registry.AllowedHosts.Count > 0) yield break;
        foreach (var url in urls.Where(u => !IsLoopback(u)))
        {
            yield return $"Urls: '{url}' accepts connections from other machines, so set Registry:PublicUrl (the address clients use, e.g. https://crates.example.com) "
                + "or Registry:AllowedHosts (the host names this server answers): otherwise a request's Host header chooses the URLs in config.json";
        }
    }
}
