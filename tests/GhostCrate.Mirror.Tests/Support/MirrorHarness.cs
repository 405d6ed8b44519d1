using System.Security.Cryptography;
using GhostCrate.Cli;
using GhostCrate.Mirror.Checking;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Tests.Support;

/// <summary>A mirror directory plus the services a sync needs, with test-friendly retry timings.</summary>
public sealed class MirrorHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="tuneHandler">Adjusts the production handler (e.g. to trust a test's self-signed certificate).</param>
    public MirrorHarness(string? root = null, Action<SocketsHttpHandler>? tuneHandler = null)
    {
        Root = root ?? TempDir.Create("mirror");
        Layout = new MirrorLayout(Root);
        var services = new ServiceCollection();
        services.AddGhostCrateMirror();
        if (tuneHandler is not null)
            services.AddHttpClient(MirrorHttp.ClientName).ConfigurePrimaryHttpMessageHandler((handler, _) => tuneHandler((SocketsHttpHandler)handler));
        _services = services.BuildServiceProvider();
    }

    public string Root { get; }
    public MirrorLayout Layout { get; }

    /// <summary>Fast retries and a 1 s stall limit, so fault tests finish quickly.</summary>
    public static DownloadConfig FastRetries(int maxAttempts = 6, int concurrency = 4) => new()
    {
        Concurrency = concurrency,
        MaxAttempts = maxAttempts,
        InitialBackoffMs = 5,
        MaxBackoffMs = 40,
        RequestTimeoutSeconds = 10,
        StallTimeoutSeconds = 1,
    };

    public MirrorConfig Init(string upstreamIndex, string? download = null, SelectionConfig? selection = null, DownloadConfig? downloadConfig = null)
    {
        var config = MirrorConfig.Create(upstreamIndex, download) with
        {
            Selection = selection ?? new SelectionConfig(),
            Download = downloadConfig ?? FastRetries(),
        };
        Assert.Empty(config.Validate());
        MirrorConfigFile.Save(Layout, config);
        return config;
    }

    public Task<SyncReport> SyncAsync(IMirrorProgress? progress = null) =>
        _services.GetRequiredService<MirrorSync>().SyncAsync(Layout, progress ?? NoProgress.Instance, TestContext.Current.CancellationToken);

    public Task<Estimates.DiskEstimate> EstimateAsync() =>
        _services.GetRequiredService<Estimates.MirrorEstimator>().EstimateCratesAsync(Layout, NoProgress.Instance, TestContext.Current.CancellationToken);

    public Task<VerifyReport> VerifyAsync(bool repair = false) =>
        new MirrorVerifier(_services.GetRequiredService<IHttpClientFactory>()).VerifyAsync(Layout, repair, NoProgress.Instance, TestContext.Current.CancellationToken);

    public string CratePath(PublishedCrate crate) => Layout.CrateFile(crate.Name, crate.Version);

    public bool HasVerified(PublishedCrate crate) =>
        File.Exists(CratePath(crate)) && Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(CratePath(crate)))) == crate.Cksum;

    /// <summary>The versions the served index lists for a crate.</summary>
    public IReadOnlyList<string> ServedVersions(string name) =>
        (new ServedIndex(Layout).Read(name) ?? []).Select(l => l.Entry.Vers).ToList();

    public static async Task<(int Exit, string Out, string Err)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error, TextReader.Null);
        return (exit, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        TempDir.Delete(Root);
    }
}
