using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests;

/// <summary>
/// The bytes a proxy mount's index fast path puts on the wire for a 304 and a 200, header by header and in order
/// (only the Date value varies): the hot path is tuned for CPU, and what cargo and shared caches see must not move
/// with it. Read over a raw socket, since HttpClient reorders and normalises headers.
/// </summary>
public partial class ProxyIndexWireTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Answers_of_a_fresh_proxied_file_have_exactly_these_headers(bool authRequired)
    {
        await using var pair = await ProxyPair.StartAsync(new()
        {
            ["Proxy:Upstreams:crates-io:Ttl"] = "01:00:00",
            ["Registry:AuthRequired"] = authRequired ? "true" : "false",
        });
        await pair.PublishUpstreamAsync("wire", "1.0.0");
        const string path = "/crates-io/index/wi/re/wire";
        var first = await pair.Proxy.Client(TestApp.AdminToken).GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!.Tag;
        var body = await first.Content.ReadAsByteArrayAsync(Ct);
        var lastModified = first.Content.Headers.LastModified!.Value.ToString("R");
        var cacheControl = authRequired ? "private, no-cache" : "public, no-cache";
        var upstreamRequests = pair.Control.TotalRequests;

        var notModified = await RawGetAsync(pair.Proxy.BaseAddress, path, $"If-None-Match: {etag}\r\n");
        Assert.Equal(
            "HTTP/1.1 304 Not Modified\r\n" +
            "Date: DATE\r\n" +
            $"Cache-Control: {cacheControl}\r\n" +
            $"ETag: {etag}\r\n" +
            "X-GhostCrate-Cache: ok\r\n\r\n",
            notModified.Head);
        Assert.Empty(notModified.Body);

        var ok = await RawGetAsync(pair.Proxy.BaseAddress, path, "");
        Assert.Equal(
            "HTTP/1.1 200 OK\r\n" +
            $"Content-Length: {body.Length}\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Date: DATE\r\n" +
            $"Cache-Control: {cacheControl}\r\n" +
            $"ETag: {etag}\r\n" +
            $"Last-Modified: {lastModified}\r\n" +
            "X-GhostCrate-Cache: ok\r\n\r\n",
            ok.Head);
        Assert.Equal(body, ok.Body);
        // Both came from the node's memory (the fast path), not from a new upstream request.
        Assert.Equal(upstreamRequests, pair.Control.TotalRequests);
    }

    /// <summary>One GET with the admin token (auth-required mounts need one) over a new connection; Date's value masked.</summary>
    private static async Task<(string Head, byte[] Body)> RawGetAsync(Uri server, string path, string extraHeaders)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, Ct);
        var stream = client.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: {TestApp.AdminToken}\r\n{extraHeaders}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, Ct);
        var bytes = received.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        Assert.True(end >= 4, $"no end of headers in {Encoding.ASCII.GetString(bytes)}");
        // `Connection: close` is the answer to this request's own header, not part of what cargo is sent.
        var head = Encoding.ASCII.GetString(bytes, 0, end).Replace("Connection: close\r\n", "");
        return (DateValue().Replace(head, "Date: DATE\r\n"), bytes[end..]);
    }

    [GeneratedRegex(@"Date: [^\r]*\r\n")]
    private static partial Regex DateValue();
}
