using System.Net;
using System.Net.Sockets;
using System.Text;
using GhostCrate.Composition;
using GhostCrate.Configuration;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using Microsoft.Extensions.Configuration;

namespace GhostCrate.Web.Tests;

public class ProxyConfigurationTests
{
    private static (GhostCrateSettings? Settings, IReadOnlyList<string> Errors) Load(Dictionary<string, string?> values)
    {
        values["DataDir"] = "./data";
        values["Urls"] = "http://127.0.0.1:8000";
        return GhostCrateSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), Path.GetTempPath());
    }

    [Fact]
    public void The_proxy_is_off_by_default_and_crates_io_is_the_default_upstream_when_on()
    {
        var (off, _) = Load([]);
        Assert.Empty(off!.Proxy.EffectiveUpstreams());

        var (on, errors) = Load(new() { ["Proxy:Enabled"] = "true" });
        Assert.Empty(errors);
        var (name, options) = Assert.Single(on!.Proxy.EffectiveUpstreams());
        var upstream = UpstreamDefinition.From(name, options);
        Assert.Equal("crates-io", upstream.Name);
        Assert.Equal("https://index.crates.io/", upstream.IndexUrl.AbsoluteUri);
        Assert.Equal("https://crates.io/", upstream.ApiUrl!.AbsoluteUri);
        Assert.Null(upstream.DownloadTemplate);
    }

    [Fact]
    public void Every_url_of_an_upstream_is_honoured()
    {
        var (settings, errors) = Load(new()
        {
            ["Proxy:Enabled"] = "true",
            ["Proxy:Upstreams:crates-io:IndexUrl"] = "sparse+https://mirror.example/index",
            ["Proxy:Upstreams:crates-io:ApiUrl"] = "https://api.mirror.example",
            ["Proxy:Upstreams:crates-io:DownloadUrl"] = "https://cdn.mirror.example/{crate}/{version}",
            ["Proxy:Upstreams:crates-io:Ttl"] = "00:05:00",
        });
        Assert.Empty(errors);
        var upstream = UpstreamDefinition.From("crates-io", settings!.Proxy.Upstreams["crates-io"]);
        Assert.Equal("https://mirror.example/index/", upstream.IndexUrl.AbsoluteUri);
        Assert.Equal("https://api.mirror.example/", upstream.ApiUrl!.AbsoluteUri);
        Assert.Equal("https://cdn.mirror.example/{crate}/{version}", upstream.DownloadTemplate);
        Assert.Equal(TimeSpan.FromMinutes(5), upstream.Ttl);
    }

    [Theory]
    [InlineData("Proxy:Upstreams:internal:Ttl", "00:01:00", "Proxy:Upstreams:internal:IndexUrl")]
    [InlineData("Proxy:Upstreams:index:IndexUrl", "https://x.example/", "Proxy:Upstreams:index")]
    [InlineData("Proxy:Upstreams:Bad_Name:IndexUrl", "https://x.example/", "not a valid mount name")]
    [InlineData("Proxy:Upstreams:crates-io:IndexUrl", "ftp://x.example/", "Proxy:Upstreams:crates-io:IndexUrl")]
    [InlineData("Proxy:Upstreams:crates-io:Ttl", "-00:00:01", "Proxy:Upstreams:crates-io:Ttl")]
    [InlineData("Proxy:Upstreams:crates-io:ConnectTimeout", "00:00:00", "Proxy:Upstreams:crates-io:ConnectTimeout")]
    [InlineData("Proxy:Upstreams:crates-io:HttpProxy", "socks", "Proxy:Upstreams:crates-io:HttpProxy")]
    [InlineData("Proxy:Upstreams:crates-io:Tll", "00:01:00", "Tll")]
    [InlineData("Proxy:MaxCrateSizeBytes", "0", "Proxy:MaxCrateSizeBytes")]
    public void A_bad_proxy_setting_is_reported_by_its_key(string key, string value, string named)
    {
        var (settings, errors) = Load(new() { [key] = value });
        Assert.Null(settings);
        Assert.Contains(errors, e => e.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_configured_http_proxy_carries_the_upstream_requests()
    {
        // A minimal forward proxy: it must receive the absolute-form request line (RFC 9112 §3.2.2).
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = ServeOnceAsync(listener);
        var upstream = UpstreamDefinition.From("crates-io", new UpstreamOptions
        {
            IndexUrl = "http://upstream.invalid/index/",
            HttpProxy = $"http://127.0.0.1:{port}",
        });
        using var http = new HttpClient(ProxyComposition.CreateHandler(upstream));

        var body = await http.GetStringAsync("http://upstream.invalid/index/config.json", TestContext.Current.CancellationToken);

        Assert.Equal("{\"dl\":\"x\"}", body);
        Assert.Equal("GET http://upstream.invalid/index/config.json HTTP/1.1", await served);
    }

    [Fact]
    public void None_connects_directly_and_no_setting_uses_the_environment_proxy()
    {
        using var direct = ProxyComposition.CreateHandler(UpstreamDefinition.From("crates-io", new UpstreamOptions { HttpProxy = "none" }));
        using var fromEnvironment = ProxyComposition.CreateHandler(UpstreamDefinition.From("crates-io", new UpstreamOptions { ConnectTimeout = TimeSpan.FromSeconds(3) }));
        Assert.False(direct.UseProxy);
        // UseProxy with no explicit Proxy means HttpClient.DefaultProxy: HTTPS_PROXY/HTTP_PROXY/NO_PROXY on Linux.
        Assert.True(fromEnvironment.UseProxy);
        Assert.Null(fromEnvironment.Proxy);
        Assert.Equal(TimeSpan.FromSeconds(3), fromEnvironment.ConnectTimeout);
    }

    [Fact]
    public void Proxy_credentials_become_network_credentials_and_leave_the_address()
    {
        var proxy = ProxyComposition.CreateWebProxy(new Uri("http://egress%20user:s%3Acret@proxy.internal:3128"));
        Assert.Equal("http://proxy.internal:3128/", proxy.Address!.AbsoluteUri);
        var credential = proxy.Credentials!.GetCredential(proxy.Address, "Basic")!;
        Assert.Equal("egress user", credential.UserName);
        Assert.Equal("s:cret", credential.Password);
    }

    [Fact]
    public async Task A_proxy_asking_for_credentials_gets_the_configured_ones()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = ServeWithChallengeAsync(listener);
        var upstream = UpstreamDefinition.From("crates-io", new UpstreamOptions
        {
            IndexUrl = "http://upstream.invalid/index/",
            HttpProxy = $"http://alice:secret@127.0.0.1:{port}",
        });
        using var http = new HttpClient(ProxyComposition.CreateHandler(upstream));

        var body = await http.GetStringAsync("http://upstream.invalid/index/config.json", TestContext.Current.CancellationToken);

        Assert.Equal("{\"dl\":\"x\"}", body);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("alice:secret")), await served);
    }

    /// <summary>Answers the first request with 407 and a Basic challenge; returns the Proxy-Authorization of the retry.</summary>
    private static async Task<string> ServeWithChallengeAsync(TcpListener listener)
    {
        string? authorization = null;
        while (authorization is null)
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            await reader.ReadLineAsync();
            string? line;
            while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
            {
                if (line.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase)) authorization = line["Proxy-Authorization:".Length..].Trim();
            }
            var response = authorization is null
                ? "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"egress\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{\"dl\":\"x\"}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
        }
        return authorization;
    }

    private static async Task<string> ServeOnceAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var requestLine = await reader.ReadLineAsync() ?? "";
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
        {
            // Skip the headers.
        }
        var response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{\"dl\":\"x\"}");
        await stream.WriteAsync(response);
        return requestLine;
    }
}
