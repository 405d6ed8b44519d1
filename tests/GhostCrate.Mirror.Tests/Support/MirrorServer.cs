using GhostCrate.Cli;
using GhostCrate.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Tests.Support;

/// <summary>A GhostCrate serving a mirror directory (Mirror:Directory), built exactly as `ghostcrate serve` builds it.</summary>
public sealed class MirrorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private MirrorServer(WebApplication app, string dataDir, Uri baseAddress)
    {
        _app = app;
        _dataDir = dataDir;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<MirrorServer> StartAsync(string mirrorDirectory, string mountPath = "/mirror/", IReadOnlyDictionary<string, string?>? extra = null)
    {
        var dataDir = TempDir.Create("mirror-server");
        var values = new Dictionary<string, string?>
        {
            ["DataDir"] = dataDir,
            ["Urls"] = "http://127.0.0.1:0",
            ["ADMIN_PASSWORD"] = "correct horse battery",
            ["Mirror:Directory"] = mirrorDirectory,
            ["Mirror:MountPath"] = mountPath,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var (settings, errors) = GhostCrateSettings.Load(configuration, dataDir);
        if (settings is null) throw new InvalidOperationException(string.Join("; ", errors));
        var app = await ServeCommand.BuildAsync(configuration, settings, TextWriter.Null, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MirrorServer(app, dataDir, new Uri(address.TrimEnd('/') + "/"));
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    /// <summary>The server's services (its job queue and repositories), for assertions on what it stored.</summary>
    public IServiceProvider Services => _app.Services;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        TempDir.Delete(_dataDir);
    }
}
