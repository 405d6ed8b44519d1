using System.Threading.Channels;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using GhostCrate.Protocol.Client;
using GhostCrate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>
/// A .crate download from a real local upstream (Kestrel on loopback, real HttpClient) that sends its body in pieces
/// the test releases, on a manual clock: a download that keeps receiving bytes is never cut by RequestTimeout, however
/// long it runs; one that sends nothing for StallTimeout fails and says so (Proxy:Upstreams:NAME:StallTimeout).
/// </summary>
public sealed class UpstreamStallTests : IAsyncLifetime
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(10);
    private const int Piece = 4096;

    private readonly Channel<byte[]> _pieces = Channel.CreateUnbounded<byte[]>();
    private readonly byte[] _crate = Enumerable.Range(0, 5 * Piece).Select(i => (byte)(i * 31)).ToArray();
    private readonly ManualTime _time = new(ProxyHarness.Start);
    private readonly MemoryStream _received = new();
    private LoopbackServer _server = null!;
    private UpstreamGateway _gateway = null!;
    private Upstream _upstream = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(app => app.MapGet("/dl/big.crate", async (HttpContext context) =>
        {
            context.Response.ContentLength = _crate.Length;
            context.Response.ContentType = "application/gzip";
            await context.Response.StartAsync(context.RequestAborted);
            await foreach (var piece in _pieces.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.Body.WriteAsync(piece, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }));
        var options = Microsoft.Extensions.Options.Options.Create(new ProxyOptions
        {
            Enabled = true,
            Upstreams =
            {
                ["crates-io"] = new UpstreamOptions
                {
                    IndexUrl = new Uri(_server.BaseAddress, "index/").AbsoluteUri,
                    RequestTimeout = RequestTimeout,
                    StallTimeout = StallTimeout,
                },
            },
        });
        _upstream = new UpstreamRegistries(options, _time).Find("crates-io")!;
        _gateway = new UpstreamGateway(new LoopbackHttp(), new MemoryUpstreamCircuitLog(), _time, NullLogger<UpstreamGateway>.Instance);
    }

    [Fact]
    public async Task A_download_that_keeps_receiving_bytes_runs_past_the_request_timeout()
    {
        var download = StartDownload();
        for (var i = 0; i < 5; i++)
        {
            await SendPieceAsync(i);
            // 8 s between pieces, 40 s in all: twice RequestTimeout, never StallTimeout without a byte.
            _time.Advance(TimeSpan.FromSeconds(8));
        }
        _pieces.Writer.Complete();

        var result = await FinishedAsync(download);
        Assert.True(result.Status == FetchStatus.Ok, result.Error);
        Assert.Equal(_crate.Length, result.Length);
        Assert.Equal(_crate, _received.ToArray());
    }

    [Fact]
    public async Task A_download_that_sends_nothing_for_the_stall_limit_fails_and_says_so()
    {
        var download = StartDownload();
        await SendPieceAsync(0);
        _time.Advance(StallTimeout + TimeSpan.FromSeconds(1));

        var result = await FinishedAsync(download);
        Assert.Equal(FetchStatus.Error, result.Status);
        Assert.Contains($"sent nothing for 10 s after {Piece} bytes", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The download's outcome; a real-time bound, so that a gateway that never notices the stall (the manual clock does
    /// not move again) fails this test instead of hanging it.
    /// </summary>
    private static Task<DownloadResult> FinishedAsync(Task<DownloadResult> download) =>
        download.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

    private Task<DownloadResult> StartDownload() =>
        _gateway.DownloadAsync(_upstream, new Uri(_server.BaseAddress, "dl/big.crate"), _received, maxBytes: 1024 * 1024);

    /// <summary>Releases piece <paramref name="index"/> and waits until the gateway has received it.</summary>
    private async Task SendPieceAsync(int index)
    {
        await _pieces.Writer.WriteAsync(_crate[(index * Piece)..((index + 1) * Piece)], TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => _received.Length >= (index + 1) * Piece,
            $"piece {index} did not arrive", cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _pieces.Writer.TryComplete();
        await _server.DisposeAsync();
    }

    /// <summary>Plain HttpClient to the loopback upstream (the host's IHttpClientFactory clients add only proxy and connect settings).</summary>
    private sealed class LoopbackHttp : IUpstreamHttp
    {
        public HttpClient CreateClient(UpstreamDefinition upstream) => new();
    }
}
