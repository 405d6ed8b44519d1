namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// Two real servers: U plays crates.io (crates are published to it with cargo, as to any registry) and P proxies it
/// at /crates-io/ (Proxy:Upstreams:crates-io:IndexUrl = U's /index/). P's Ttl is zero, so every index request
/// revalidates with U and an outage of U shows at once.
/// </summary>
public class ProxyPairFixture : IAsyncLifetime
{
    private Exception? _startFailure;
    private string? _skipReason;
    private GhostCrateServer? _upstream;
    private GhostCrateServer? _proxy;

    public async ValueTask InitializeAsync()
    {
        if (Lane.Current.UnavailableReason is { } reason)
        {
            _skipReason = reason;
            return;
        }

        try
        {
            _upstream = await GhostCrateServer.StartAsync(new ServerOptions());
            _proxy = await GhostCrateServer.StartAsync(new ServerOptions { Settings = ProxySettingsFor(_upstream) });
        }
        catch (Exception e)
        {
            _startFailure = e;
        }
    }

    public static Dictionary<string, string> ProxySettings(GhostCrateServer upstream) => new()
    {
        ["GHOSTCRATE_Proxy__Enabled"] = "true",
        ["GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl"] = $"http://127.0.0.1:{upstream.Port}/index/",
        ["GHOSTCRATE_Proxy__Upstreams__crates-io__ApiUrl"] = $"http://127.0.0.1:{upstream.Port}",
        ["GHOSTCRATE_Proxy__Upstreams__crates-io__Ttl"] = "00:00:00",
        ["GHOSTCRATE_Proxy__Upstreams__crates-io__ConnectTimeout"] = "00:00:05",
        ["GHOSTCRATE_Proxy__Upstreams__crates-io__RequestTimeout"] = "00:00:30",
        // Loopback must never go through a proxy a developer or CI machine may have configured.
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["no_proxy"] = "127.0.0.1,localhost",
    };

    /// <summary>P's settings; a fixture may put something between P and U (e.g. a relay that hangs).</summary>
    protected virtual Dictionary<string, string> ProxySettingsFor(GhostCrateServer upstream) => ProxySettings(upstream);

    public GhostCrateServer Upstream => Get(_upstream);

    public GhostCrateServer Proxy => Get(_proxy);

    private GhostCrateServer Get(GhostCrateServer? server)
    {
        if (_skipReason is not null)
        {
            Assert.Skip(_skipReason);
        }

        if (_startFailure is not null)
        {
            throw new InvalidOperationException($"The {Lane.Current.Name} servers of this test class failed to start (details below)", _startFailure);
        }

        return server!;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Base of the proxy end-to-end tests: cargo sandboxes for publishing to U and for consumers of P (whose CARGO_HOME
/// replaces crates-io with P's mount), and on failure both servers' output written while the test ran.
/// </summary>
public abstract class ProxyEndToEndTest(ProxyPairFixture fixture) : IAsyncLifetime
{
    private readonly List<CargoSandbox> _sandboxes = [];
    private int _upstreamMark;
    private int _proxyMark;

    protected GhostCrateServer Upstream { get; private set; } = null!;
    protected GhostCrateServer Proxy { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The `[source]` tables of the issue: cargo is pointed at P with nothing but a source replacement.</summary>
    protected string SourceReplacement => $"""
        [source.crates-io]
        replace-with = "ghost"

        [source.ghost]
        registry = "sparse+http://127.0.0.1:{Proxy.Port}/crates-io/index/"
        """;

    /// <summary>Cargo publishing to U (its registry `ghostcrate` is U's index), with U's admin token.</summary>
    protected CargoSandbox PublisherToUpstream() => Track(new CargoSandbox(Upstream, Upstream.AdminToken));

    /// <summary>
    /// A fresh CARGO_HOME whose crates-io is replaced by P's mount; its registry `ghostcrate` is P's private index
    /// (with <paramref name="token"/> for publishing there).
    /// </summary>
    protected async Task<CargoSandbox> ConsumerOfProxyAsync(string? token = null)
    {
        var sandbox = Track(new CargoSandbox(Proxy, token));
        await File.WriteAllTextAsync(Path.Combine(sandbox.CargoHome, "config.toml"), SourceReplacement + "\n", Cancel);
        return sandbox;
    }

    /// <summary>`cargo build` of a new library that depends on <paramref name="dependencies"/> and calls <paramref name="body"/>.</summary>
    protected static async Task<(CrateProject Project, ProcessResult Build)> BuildConsumerAsync(CargoSandbox cargo, string name, string dependencies, string body)
    {
        var project = await cargo.NewLibAsync(name, dependencies: dependencies, files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = $"pub fn total() -> u32 {{ {body} }}\n",
        });
        var build = await cargo.RunAsync(project.Directory, ["build"], timeout: TimeSpan.FromMinutes(3));
        return (project, build);
    }

    private CargoSandbox Track(CargoSandbox sandbox)
    {
        _sandboxes.Add(sandbox);
        return sandbox;
    }

    public virtual ValueTask InitializeAsync()
    {
        Upstream = fixture.Upstream;
        Proxy = fixture.Proxy;
        _upstreamMark = Upstream.LogLength;
        _proxyMark = Proxy.LogLength;
        TestContext.Current.TestOutputHelper?.WriteLine($"lane {Proxy.Lane.Name}, upstream {Upstream.BaseUrl}, proxy {Proxy.BaseUrl}");
        return ValueTask.CompletedTask;
    }

    public virtual ValueTask DisposeAsync()
    {
        if (Proxy is not null && TestContext.Current.TestState?.Result != TestResult.Passed)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"--- upstream output during this test ---\n{Upstream.LogSince(_upstreamMark)}");
            TestContext.Current.TestOutputHelper?.WriteLine($"--- proxy output during this test ---\n{Proxy.LogSince(_proxyMark)}");
        }

        foreach (var sandbox in _sandboxes)
        {
            sandbox.Dispose();
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
