using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GhostCrate.Protocol.Client;

namespace GhostCrate.Protocol.Tests.Client;

public class SparseRegistryClientTests
{
    private static readonly Uri Index = new("http://upstream.test/index/");

    private static (SparseRegistryClient Client, ScriptedHandler Handler) Create(
        Func<HttpRequestMessage, HttpResponseMessage> answer, SparseRegistryClientOptions? options = null)
    {
        var handler = new ScriptedHandler(answer);
        return (new SparseRegistryClient(new HttpClient(handler), Index, options), handler);
    }

    [Theory]
    [InlineData("sparse+https://index.crates.io/", "https://index.crates.io/")]
    [InlineData("https://index.crates.io", "https://index.crates.io/")]
    [InlineData("http://127.0.0.1:5000/index", "http://127.0.0.1:5000/index/")]
    public void Index_url_is_normalised(string given, string expected) =>
        Assert.Equal(expected, SparseRegistryClient.NormalizeIndexUrl(new Uri(given)).AbsoluteUri);

    [Fact]
    public void Index_url_must_be_http() =>
        Assert.Throws<ArgumentException>(() => SparseRegistryClient.NormalizeIndexUrl(new Uri("file:///etc/")));

    [Fact]
    public async Task Ok_returns_bytes_and_validators_from_the_lowercase_path()
    {
        var (client, handler) = Create(_ =>
        {
            var response = ScriptedHandler.Text("{\"name\":\"serde\"}\n");
            response.Headers.ETag = new EntityTagHeaderValue("\"abc\"");
            response.Content.Headers.LastModified = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
            return response;
        });

        var result = await client.FetchIndexFileAsync("Serde", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(FetchStatus.Ok, result.Status);
        Assert.Equal("{\"name\":\"serde\"}\n", Encoding.UTF8.GetString(result.Content!));
        Assert.Equal("\"abc\"", result.Validators.ETag);
        Assert.Equal("Fri, 02 Jan 2026 03:04:05 GMT", result.Validators.LastModified);
        Assert.Equal("http://upstream.test/index/se/rd/serde", handler.Requests.Single().RequestUri!.AbsoluteUri);
    }

    [Fact]
    public async Task Validators_are_sent_and_a_304_keeps_them()
    {
        var (client, handler) = Create(_ => new HttpResponseMessage(HttpStatusCode.NotModified));
        var sent = new IndexValidators("\"v1\"", "Fri, 02 Jan 2026 03:04:05 GMT");

        var result = await client.FetchIndexFileAsync("syn", sent, TestContext.Current.CancellationToken);

        Assert.Equal(FetchStatus.NotModified, result.Status);
        Assert.Null(result.Content);
        Assert.Equal(sent, result.Validators);
        var request = handler.Requests.Single();
        Assert.Equal("\"v1\"", request.Headers.IfNoneMatch.Single().ToString());
        Assert.Equal("Fri, 02 Jan 2026 03:04:05 GMT", request.Headers.GetValues("If-Modified-Since").Single());
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Gone)]
    [InlineData(HttpStatusCode.UnavailableForLegalReasons)]
    public async Task Missing_files_are_not_found(HttpStatusCode status)
    {
        var (client, _) = Create(_ => new HttpResponseMessage(status));
        var result = await client.FetchIndexFileAsync("nope", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(FetchStatus.NotFound, result.Status);
        Assert.Equal((int)status, result.HttpStatus);
    }

    [Fact]
    public async Task Server_errors_are_error_values()
    {
        var (client, _) = Create(_ => new HttpResponseMessage(HttpStatusCode.BadGateway));
        var result = await client.FetchIndexFileAsync("serde", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(FetchStatus.Error, result.Status);
        Assert.Equal(502, result.HttpStatus);
        Assert.Contains("502", result.Error);
    }

    [Fact]
    public async Task Connection_failures_and_timeouts_are_error_values()
    {
        var (refused, _) = Create(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));
        var (slow, _) = Create(_ => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"));

        var a = await refused.FetchIndexFileAsync("serde", cancellationToken: TestContext.Current.CancellationToken);
        var b = await slow.FetchIndexFileAsync("serde", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(FetchStatus.Error, a.Status);
        Assert.Contains("Connection refused", a.Error);
        Assert.Equal(FetchStatus.Error, b.Status);
        Assert.Contains("timed out", b.Error);
    }

    [Fact]
    public async Task A_real_refused_connection_is_an_error_value()
    {
        // A port nobody listens on: bind, read the port, close.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var client = new SparseRegistryClient(http, new Uri($"http://127.0.0.1:{port}/"));

        var result = await client.FetchIndexFileAsync("serde", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(FetchStatus.Error, result.Status);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates()
    {
        var (client, _) = Create(_ => ScriptedHandler.Text("x"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.FetchIndexFileAsync("serde", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Oversized_index_files_are_refused()
    {
        var (client, _) = Create(_ => ScriptedHandler.Text(new string('x', 2000)), new SparseRegistryClientOptions { MaxIndexFileBytes = 1000 });
        var result = await client.FetchIndexFileAsync("serde", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(FetchStatus.Error, result.Status);
        Assert.Contains("limit", result.Error);
    }

    [Fact]
    public async Task Config_is_parsed()
    {
        var (client, handler) = Create(_ => ScriptedHandler.Text("{\"dl\":\"https://static.example/{crate}/{version}\",\"api\":\"https://example\"}"));
        var result = await client.FetchConfigAsync(TestContext.Current.CancellationToken);
        Assert.Equal(FetchStatus.Ok, result.Status);
        Assert.Equal("https://static.example/{crate}/{version}", result.Config!.Dl);
        Assert.Equal("https://example", result.Config.Api);
        Assert.Equal("http://upstream.test/index/config.json", handler.Requests.Single().RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"api\":\"https://example\"}")]
    public async Task A_broken_config_is_an_error(string body)
    {
        var (client, _) = Create(_ => ScriptedHandler.Text(body));
        var result = await client.FetchConfigAsync(TestContext.Current.CancellationToken);
        Assert.Equal(FetchStatus.Error, result.Status);
        Assert.Null(result.Config);
    }

    [Fact]
    public async Task Download_streams_the_body_and_caps_its_size()
    {
        var payload = new byte[5000];
        Random.Shared.NextBytes(payload);
        var (client, _) = Create(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(payload) });
        var url = new Uri("http://upstream.test/api/v1/crates/demo/1.0.0/download");

        using var ok = new MemoryStream();
        var result = await client.DownloadAsync(url, ok, 10_000, TestContext.Current.CancellationToken);
        var tooBig = await client.DownloadAsync(url, new MemoryStream(), 4999, TestContext.Current.CancellationToken);

        Assert.Equal(FetchStatus.Ok, result.Status);
        Assert.Equal(5000, result.Length);
        Assert.Equal(payload, ok.ToArray());
        Assert.Equal(FetchStatus.Error, tooBig.Status);
    }

    [Fact]
    public async Task Download_of_a_missing_crate_is_not_found()
    {
        var (client, _) = Create(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        var result = await client.DownloadAsync(new Uri("http://upstream.test/x"), new MemoryStream(), 100, TestContext.Current.CancellationToken);
        Assert.Equal(FetchStatus.NotFound, result.Status);
    }

    [Fact]
    public async Task The_token_goes_only_to_the_index_origin()
    {
        var (client, handler) = Create(_ => ScriptedHandler.Text("x"), new SparseRegistryClientOptions { AuthToken = "secret" });

        await client.FetchIndexFileAsync("serde", cancellationToken: TestContext.Current.CancellationToken);
        await client.DownloadAsync(new Uri("http://upstream.test/dl/serde"), new MemoryStream(), 100, TestContext.Current.CancellationToken);
        await client.DownloadAsync(new Uri("http://cdn.test/dl/serde"), new MemoryStream(), 100, TestContext.Current.CancellationToken);

        Assert.Equal("secret", handler.Requests[0].Headers.Authorization?.ToString());
        Assert.Equal("secret", handler.Requests[1].Headers.Authorization?.ToString());
        Assert.Null(handler.Requests[2].Headers.Authorization);
    }
}
