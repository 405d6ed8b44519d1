namespace GhostCrate.Mirror.Tests.Support;

/// <summary>
/// A test class's world: a real GhostCrate upstream, the counting/fault-injecting proxy in front of it and an empty
/// mirror directory, all fresh per test.
/// </summary>
public abstract class ProxiedUpstreamTest : IAsyncLifetime
{
    protected UpstreamRegistry Upstream { get; private set; } = null!;
    protected FaultProxy Proxy { get; private set; } = null!;
    protected MirrorHarness Harness { get; private set; } = null!;

    /// <summary>The upstream's sparse index and download URL, both through the proxy.</summary>
    protected string SparseViaProxy => $"sparse+{Proxy.BaseAddress}index/";
    protected string DownloadViaProxy => $"{Proxy.BaseAddress}api/v1/crates";

    public async ValueTask InitializeAsync()
    {
        Upstream = await UpstreamRegistry.StartAsync();
        Proxy = await FaultProxy.StartAsync(Upstream.BaseAddress);
        Harness = new MirrorHarness();
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
