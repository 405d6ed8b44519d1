using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// Two real GhostCrates: U plays crates.io (crates are published to it normally), P proxies it at /crates-io/.
/// P's Ttl is zero unless a test says otherwise, so every index request revalidates with U.
/// </summary>
public sealed class ProxyPair : IAsyncDisposable
{
    private ProxyPair(TestApp upstream, UpstreamControl control, TestApp proxy)
    {
        Upstream = upstream;
        Control = control;
        Proxy = proxy;
    }

    public TestApp Upstream { get; }
    public UpstreamControl Control { get; }
    public TestApp Proxy { get; }

    public static async Task<ProxyPair> StartAsync(Dictionary<string, string?>? proxySettings = null, Action<IServiceCollection>? proxyServices = null)
    {
        var control = new UpstreamControl();
        var upstream = await TestApp.StartAsync(overrideServices: UpstreamControl.Install(control));
        try
        {
            var settings = ProxySettings(upstream.BaseAddress);
            foreach (var (k, v) in proxySettings ?? []) settings[k] = v;
            var proxy = await TestApp.StartAsync(settings, proxyServices);
            return new ProxyPair(upstream, control, proxy);
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A second proxy node of the same upstream with <paramref name="proxySettings"/> over the defaults: on its own
    /// (empty) data directory, or on the first node's with <paramref name="shareDataDir"/>. The caller disposes it.
    /// </summary>
    public Task<TestApp> StartSecondProxyAsync(Dictionary<string, string?> proxySettings, Action<IServiceCollection> proxyServices, bool shareDataDir = false)
    {
        var settings = ProxySettings(Upstream.BaseAddress);
        foreach (var (k, v) in proxySettings) settings[k] = v;
        if (shareDataDir) settings["DataDir"] = Proxy.DataDir;
        return TestApp.StartAsync(settings, proxyServices);
    }

    public static Dictionary<string, string?> ProxySettings(Uri upstream) => new()
    {
        ["Proxy:Enabled"] = "true",
        ["Proxy:Upstreams:crates-io:IndexUrl"] = new Uri(upstream, "/index/").AbsoluteUri,
        ["Proxy:Upstreams:crates-io:ApiUrl"] = upstream.AbsoluteUri,
        ["Proxy:Upstreams:crates-io:Ttl"] = "00:00:00",
        ["Proxy:Upstreams:crates-io:HttpProxy"] = "none",
        ["Proxy:Upstreams:crates-io:ConnectTimeout"] = "00:00:05",
        ["Proxy:Upstreams:crates-io:RequestTimeout"] = "00:00:30",
    };

    /// <summary>Publishes a valid crate to U and returns its .crate bytes.</summary>
    public async Task<byte[]> PublishUpstreamAsync(string name, string version)
    {
        var crate = CrateFileBuilder.Valid(name, version).BuildCrate();
        var response = await Upstream.PublishAsync(CrateFileBuilder.PublishBody(CrateFileBuilder.Metadata(name, version), crate));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return crate;
    }

    public async Task<System.Text.Json.JsonElement> StatusAsync(bool probe = false)
    {
        var response = await Proxy.Client(TestApp.AdminToken).GetAsync($"/api/v1/admin/proxy/status?probe={probe.ToString().ToLowerInvariant()}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var root = await Json.ReadAsync(response);
        return root.GetProperty("upstreams")[0];
    }

    public Task<HttpResponseMessage> WarmAsync(object body) =>
        Proxy.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/proxy/crates-io/warm", body);

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
