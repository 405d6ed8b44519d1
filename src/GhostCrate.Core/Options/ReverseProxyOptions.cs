using System.Net;

namespace GhostCrate.Core.Options;

/// <summary>
/// Section ReverseProxy: which reverse proxies GhostCrate trusts to tell it the client's address and scheme
/// (X-Forwarded-For, X-Forwarded-Proto). Off unless a proxy or network is listed, because trusting the headers from
/// anyone would let any client choose the address that rate limits and the audit log see.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>Addresses of trusted proxies, e.g. 10.0.0.5 or ::1.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. 10.0.0.0/8.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a chain are read from the right of X-Forwarded-For (1 = one proxy in front).</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public static IEnumerable<string> Validate(ReverseProxyOptions options)
    {
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
                yield return $"{Section}:KnownProxies:{i} must be an IP address such as 10.0.0.5 (got '{options.KnownProxies[i]}')";
        }
        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.KnownNetworks[i], out _))
                yield return $"{Section}:KnownNetworks:{i} must be a network in CIDR notation such as 10.0.0.0/8 (got '{options.KnownNetworks[i]}')";
        }
        if (options.ForwardLimit < 1) yield return $"{Section}:ForwardLimit must be at least 1 (got {options.ForwardLimit})";
    }
}
