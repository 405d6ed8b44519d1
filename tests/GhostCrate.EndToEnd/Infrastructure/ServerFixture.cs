namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// One server shared by the tests of a class (they use unique crate names, so they do not see each other). A start
/// failure is kept and rethrown in every test, with the server's output, rather than hidden in fixture setup.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private GhostCrateServer? _server;
    private Exception? _startFailure;
    private string? _skipReason;

    protected virtual ServerOptions Options => new();

    /// <summary>Why this class's server cannot run in the current lane (e.g. it needs S3), or null.</summary>
    protected virtual string? LaneSkipReason => null;

    public async ValueTask InitializeAsync()
    {
        if ((Lane.Current.UnavailableReason ?? LaneSkipReason) is { } reason)
        {
            _skipReason = reason;
            return;
        }

        try
        {
            _server = await GhostCrateServer.StartAsync(Options);
        }
        catch (Exception e)
        {
            _startFailure = e;
        }
    }

    /// <summary>The running server; skips the test when the lane's services are not configured.</summary>
    public GhostCrateServer Server
    {
        get
        {
            if (_skipReason is not null)
            {
                Assert.Skip(_skipReason);
            }

            if (_startFailure is not null)
            {
                throw new InvalidOperationException($"The {Lane.Current.Name} server of this test class failed to start (details below)", _startFailure);
            }

            return _server!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A server with GHOSTCRATE_Registry__AuthRequired=true.</summary>
public sealed class AuthRequiredServerFixture : ServerFixture
{
    protected override ServerOptions Options => new() { AuthRequired = true };
}

/// <summary>A server whose public URL (http://localhost:PORT) differs from the address cargo's index URL uses.</summary>
public sealed class PublicUrlServerFixture : ServerFixture
{
    protected override ServerOptions Options => new() { PublicUrlTemplate = "http://localhost:{port}" };
}

/// <summary>
/// Base of every end-to-end test: the class's server, a per-test cargo sandbox holding the admin token, and on
/// failure the server output written while the test ran.
/// </summary>
public abstract class EndToEndTest(ServerFixture fixture) : IAsyncLifetime
{
    private int _logMark;
    private CargoSandbox? _cargo;

    protected GhostCrateServer Server { get; private set; } = null!;

    /// <summary>Cargo with the admin token in CARGO_REGISTRIES_GHOSTCRATE_TOKEN.</summary>
    protected CargoSandbox Cargo => _cargo ??= NewSandbox(Server.AdminToken);

    protected RegistryClient Http => Server.Http;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly List<CargoSandbox> _sandboxes = [];

    /// <summary>Another cargo with its own CARGO_HOME (e.g. a second user, or no token at all).</summary>
    protected CargoSandbox NewSandbox(string? token)
    {
        var sandbox = new CargoSandbox(Server, token);
        ConfigureSandbox(sandbox);
        _sandboxes.Add(sandbox);
        return sandbox;
    }

    /// <summary>Per-class cargo configuration (e.g. a credential provider for an auth-required registry).</summary>
    protected virtual void ConfigureSandbox(CargoSandbox sandbox)
    {
    }

    public virtual ValueTask InitializeAsync()
    {
        Server = fixture.Server;
        _logMark = Server.LogLength;
        TestContext.Current.TestOutputHelper?.WriteLine($"lane {Server.Lane.Name}, server {Server.BaseUrl}, data {Server.DataDir}");
        return ValueTask.CompletedTask;
    }

    public virtual ValueTask DisposeAsync()
    {
        var state = TestContext.Current.TestState;
        if (Server is not null && state?.Result != TestResult.Passed)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"--- server output during this test ---\n{Server.LogSince(_logMark)}");
        }

        foreach (var sandbox in _sandboxes)
        {
            sandbox.Dispose();
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
