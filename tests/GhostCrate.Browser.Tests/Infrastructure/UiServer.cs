using System.Net;
using System.Net.Http.Headers;
using GhostCrate.Cli;
using GhostCrate.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Browser.Tests.Infrastructure;

/// <summary>
/// A real GhostCrate built exactly as `ghostcrate serve` builds it (Kestrel on 127.0.0.1, a free port, SQLite and
/// files in a temporary folder). The user `admin` has <see cref="AdminPassword"/> and the token <see cref="AdminToken"/>.
/// </summary>
public sealed class UiServer : IAsyncDisposable
{
    public const string AdminToken = "gcr_browser_admin_token_0123456789";
    public const string AdminPassword = "correct horse battery staple";

    private readonly WebApplication _app;

    private UiServer(WebApplication app, string dataDir, Uri baseAddress)
    {
        _app = app;
        DataDir = dataDir;
        BaseAddress = baseAddress;
    }

    public string DataDir { get; }
    public Uri BaseAddress { get; }
    public string BaseUrl => BaseAddress.ToString().TrimEnd('/');
    public IServiceProvider Services => _app.Services;

    public static async Task<UiServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "gc-browser-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var values = new Dictionary<string, string?>
        {
            ["DataDir"] = dataDir,
            ["Urls"] = "http://127.0.0.1:0",
            ["ADMIN_TOKEN"] = AdminToken,
            ["ADMIN_PASSWORD"] = AdminPassword,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings ?? []) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var (loaded, errors) = GhostCrateSettings.Load(configuration, dataDir);
        if (loaded is null) throw new InvalidOperationException(string.Join("; ", errors));
        var app = await ServeCommand.BuildAsync(configuration, loaded, TextWriter.Null, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new UiServer(app, dataDir, new Uri(address));
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (token is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        return client;
    }

    /// <summary>Publishes and expects <paramref name="expected"/>: 200, or 202 for a version held for approval (stored, not yet served).</summary>
    public async Task PublishAsync(CrateBody crate, string token = AdminToken, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var content = new ByteArrayContent(crate.Build());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await Client(token).PutAsync("/api/v1/crates/new", content);
        Assert.True(response.StatusCode == expected, $"publish of {crate.Name} {crate.Version} answered {(int)response.StatusCode}, not {(int)expected}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task YankAsync(string name, string version)
    {
        var response = await Client(AdminToken).DeleteAsync($"/api/v1/crates/{name}/{version}/yank");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task DownloadAsync(string name, string version, int times)
    {
        for (var i = 0; i < times; i++) Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync($"/api/v1/crates/{name}/{version}/download")).StatusCode);
        await Services.GetRequiredService<GhostCrate.Core.Crates.DownloadCounter>().FlushAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
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
