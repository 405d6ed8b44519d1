using System.Net.Http.Headers;
using System.Security.Cryptography;
using GhostCrate.Cli;
using GhostCrate.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Tests.Support;

/// <summary>
/// The "crates.io" of a test: a real GhostCrate (Kestrel on 127.0.0.1, free port, temporary SQLite + blobs) with
/// crates published through its API.
/// </summary>
public sealed class UpstreamRegistry : IAsyncDisposable
{
    public const string AdminToken = "gcr_mirror_test_admin_token_0123456789";
    private readonly WebApplication _app;

    private UpstreamRegistry(WebApplication app, string dataDir, Uri baseAddress)
    {
        _app = app;
        DataDir = dataDir;
        BaseAddress = baseAddress;
    }

    public string DataDir { get; }
    public Uri BaseAddress { get; }
    public string SparseIndexUrl => $"sparse+{BaseAddress}index/";

    /// <summary>Every published file: name, version, checksum, bytes.</summary>
    public List<PublishedCrate> Published { get; } = [];

    public static async Task<UpstreamRegistry> StartAsync()
    {
        var dataDir = TempDir.Create("upstream");
        var values = new Dictionary<string, string?>
        {
            ["DataDir"] = dataDir,
            ["Urls"] = "http://127.0.0.1:0",
            ["ADMIN_TOKEN"] = AdminToken,
            ["ADMIN_PASSWORD"] = "correct horse battery",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var (settings, errors) = GhostCrateSettings.Load(configuration, dataDir);
        if (settings is null) throw new InvalidOperationException(string.Join("; ", errors));
        var app = await ServeCommand.BuildAsync(configuration, settings, TextWriter.Null, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new UpstreamRegistry(app, dataDir, new Uri(address.TrimEnd('/') + "/"));
    }

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", AdminToken);
        return client;
    }

    /// <summary>Publishes a small valid crate; <paramref name="padding"/> makes the file bigger (incompressible bytes).</summary>
    /// <param name="files">The crate's own files (paths under `NAME-VERSION/`), for a crate that cargo compiles with its dependencies.</param>
    public async Task<PublishedCrate> PublishAsync(string name, string version, int padding = 0, object[]? deps = null, string? license = null,
        IReadOnlyDictionary<string, string>? files = null)
    {
        var builder = files is not null
            ? files.Aggregate(new CrateFileBuilder(name, version), (b, f) => b.File($"{name}-{version}/{f.Key}", f.Value))
            : license is null
            ? CrateFileBuilder.Valid(name, version)
            : new CrateFileBuilder(name, version)
                .File($"{name}-{version}/Cargo.toml", $"[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nlicense = \"{license}\"\n")
                .File($"{name}-{version}/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
        if (padding > 0) builder.File($"{name}-{version}/data.bin", RandomNumberGenerator.GetBytes(padding));
        var crate = builder.BuildCrate();
        var content = new ByteArrayContent(CrateFileBuilder.PublishBody(CrateFileBuilder.Metadata(name, version, deps), crate));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var client = Client();
        using var response = await client.PutAsync("api/v1/crates/new", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"publish {name}@{version}: {(int)response.StatusCode} {body}");
        var published = new PublishedCrate(name, version, Convert.ToHexStringLower(SHA256.HashData(crate)), crate);
        Published.Add(published);
        return published;
    }

    public async Task YankAsync(string name, string version)
    {
        using var client = Client();
        using var response = await client.DeleteAsync($"api/v1/crates/{name}/{version}/yank");
        Assert.True(response.IsSuccessStatusCode, $"yank {name}@{version}: {(int)response.StatusCode}");
    }

    /// <summary>The sparse index file of a crate as the upstream serves it.</summary>
    public async Task<string> IndexFileAsync(string name)
    {
        using var client = Client();
        return await client.GetStringAsync("index/" + Protocol.Index.IndexPath.ForCrate(name));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        TempDir.Delete(DataDir);
    }
}

public sealed record PublishedCrate(string Name, string Version, string Cksum, byte[] Bytes)
{
    public string DownloadPath => $"/api/v1/crates/{Name}/{Version}/download";
}
