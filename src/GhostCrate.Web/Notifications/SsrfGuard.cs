using System.Net;
using System.Net.Sockets;

namespace GhostCrate.Web.Notifications;

/// <summary>
/// Keeps webhook requests away from internal addresses. The check runs in SocketsHttpHandler's ConnectCallback on the
/// addresses DNS actually returned, and the socket connects to the checked address itself, so a name that resolves to
/// 127.0.0.1 or 169.254.169.254 (cloud metadata), or that changes its answer between a check and the connection
/// (DNS rebinding), cannot reach inside. Ranges in Webhooks:AllowedCidrs are let through on purpose.
/// </summary>
public sealed class SsrfGuard(IReadOnlyList<IPNetwork> allowed, string allowSetting = "Webhooks:AllowedCidrs")
{
    // Loopback, "this network", private (RFC 1918), carrier-grade NAT, link-local (metadata services live at
    // 169.254.169.254), IETF protocol assignments, benchmarking, multicast and reserved; IPv6 loopback, unspecified,
    // unique-local (fd00:ec2::254 is AWS's metadata), link-local, multicast, and NAT64's well-known prefix.
    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::1/128"), IPNetwork.Parse("::/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("64:ff9b::/96"),
    ];

    public bool IsAllowed(IPAddress address)
    {
        // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is the IPv4 address.
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (allowed.Any(n => n.Contains(address))) return true;
        return !Internal.Any(n => n.Contains(address));
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var permitted = addresses.Where(IsAllowed).ToList();
        if (permitted.Count == 0)
            throw new HttpRequestException($"refused to connect to {host}: it resolves only to internal addresses ({string.Join(", ", addresses.Select(a => a.ToString()))}); an administrator can allow a range with {allowSetting}");

        Exception? last = null;
        foreach (var address in permitted)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }
        throw new HttpRequestException($"could not connect to {host}: {last?.Message}", last);
    }
}
