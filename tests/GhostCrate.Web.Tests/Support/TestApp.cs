using System.Net.Http.Headers;
using GhostCrate.Cli;
using GhostCrate.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// A real GhostCrate (Kestrel on 127.0.0.1, a free port) on a temporary SQLite database and blob folder,
/// built exactly as `ghostcrate serve` builds it. Each test gets its own.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string AdminToken = "gcr_test_admin_token_0123456789abcdef";

    private readonly WebApplication _app;
    private readonly bool _ownsDataDir;

    public string DataDir { get; }
    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;

    private TestApp(WebApplication app, string dataDir, Uri baseAddress, bool ownsDataDir)
    {
        _app = app;
        _ownsDataDir = ownsDataDir;
        DataDir = dataDir;
        BaseAddress = baseAddress;
    }

    /// <param name="dataDir">An existing data directory to start on (a restart); the caller deletes it. Null: a new one, deleted on dispose.</param>
    public static async Task<TestApp> StartAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? overrideServices = null, string? dataDir = null)
    {
        var ownsDataDir = dataDir is null;
        dataDir ??= Path.Combine(Path.GetTempPath(), "gc-web-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var values = new Dictionary<string, string?>
        {
            ["DataDir"] = dataDir,
            ["Urls"] = "http://127.0.0.1:0",
            ["ADMIN_TOKEN"] = AdminToken,
            ["ADMIN_PASSWORD"] = "correct horse battery",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings ?? []) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var (loaded, errors) = GhostCrateSettings.Load(configuration, dataDir);
        if (loaded is null) throw new InvalidOperationException(string.Join("; ", errors));
        var app = await ServeCommand.BuildAsync(configuration, loaded, TextWriter.Null, CancellationToken.None, overrideServices);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, dataDir, new Uri(address), ownsDataDir);
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        return client;
    }

    public Task<HttpResponseMessage> PublishAsync(byte[] body, string? token = AdminToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return Client(token).PutAsync("/api/v1/crates/new", content);
    }

    /// <summary>Every blob path under the data dir, to prove a rejected publish stored nothing.</summary>
    public IReadOnlyList<string> BlobFiles()
    {
        var root = Path.Combine(DataDir, "blobs");
        return Directory.Exists(root)
            ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_ownsDataDir) return;
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
