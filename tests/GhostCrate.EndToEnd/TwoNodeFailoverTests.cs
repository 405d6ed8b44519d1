using System.Collections.Concurrent;
using System.Net;
using System.Text;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Failover behind deploy/nginx/ghostcrate.conf in front of two real nodes on one PostgreSQL and one S3 bucket
/// (docs/deploy.md "Several nodes"): a node killed (SIGKILL) under read load costs no failed GET, since nginx passes a
/// read that failed on one node to the other (proxy_next_upstream); a publish that had reached the killed node is
/// never replayed on the other (its body is streamed, and nginx never re-sends a request whose body it began to pass
/// on): the client sees an error, and running it again stores the version once. The postgres-s3 lane only.
/// </summary>
public sealed class TwoNodeFailoverTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_read_through_nginx_fails_when_a_node_is_killed_under_load()
    {
        await using var cluster = await BalancedPair.StartAsync(new Dictionary<string, string>(), Cancel);
        var name = $"lb-{Ids.New()}";
        var publish = await cluster.A.Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), cluster.AdminToken, Cancel);
        Assert.True(publish.Status == HttpStatusCode.OK, publish.Describe());
        var etag = (await cluster.A.Http.GetIndexFileAsync(name, cancellationToken: Cancel)).Message.Headers.ETag!.ToString();

        // What cargo asks for during a build: index files (fresh and revalidated), config.json and a download.
        Func<HttpRequestMessage>[] requests =
        [
            () => new HttpRequestMessage(HttpMethod.Get, "index/" + RegistryClient.IndexPath(name)),
            () => new HttpRequestMessage(HttpMethod.Get, "index/" + RegistryClient.IndexPath(name)) { Headers = { { "If-None-Match", etag } } },
            () => new HttpRequestMessage(HttpMethod.Get, "index/config.json"),
            () => new HttpRequestMessage(HttpMethod.Get, $"api/v1/crates/{name}/1.0.0/download"),
        ];
        using var http = cluster.Front.Client();
        var answered = 0;
        var failures = new ConcurrentQueue<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);

        async Task LoadAsync(int worker)
        {
            for (var i = worker; !stop.IsCancellationRequested; i++)
            {
                using var request = requests[i % requests.Length]();
                var what = $"{request.Method} {request.RequestUri}";
                try
                {
                    using var response = await http.SendAsync(request, CancellationToken.None);
                    var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                    if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified) Interlocked.Increment(ref answered);
                    else failures.Enqueue($"{what}: HTTP {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    failures.Enqueue($"{what}: {e.GetType().Name} {e.Message}");
                }
            }
        }

        var workers = Enumerable.Range(0, 8).Select(LoadAsync).ToArray();
        int errorLogMark;
        try
        {
            await Eventually.TrueAsync(() => Volatile.Read(ref answered) >= 200, "fewer than 200 reads answered before the kill", TimeSpan.FromSeconds(60), Cancel);
            errorLogMark = cluster.Front.ErrorLog.Length;
            await cluster.A.StopAsync(); // SIGKILL: requests in flight on A die with it
            var atKill = Volatile.Read(ref answered);
            await Eventually.TrueAsync(() => Volatile.Read(ref answered) >= atKill + 400, "fewer than 400 reads answered after the kill", TimeSpan.FromSeconds(60), Cancel);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {answered + failures.Count} reads through nginx failed:\n{string.Join('\n', failures.Take(20))}\n{cluster.Front.Describe()}");
        // nginx did meet the dead node after the kill (and passed those reads on): its error log names A's address.
        Assert.Contains($"127.0.0.1:{cluster.A.Port}", cluster.Front.ErrorLog[errorLogMark..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publish_that_reached_a_node_killed_mid_request_fails_and_is_never_replayed_on_the_other()
    {
        // ASP.NET Core's "Request starting" lines tell which node received the publish.
        await using var cluster = await BalancedPair.StartAsync(
            new Dictionary<string, string> { ["GHOSTCRATE_Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" }, Cancel);
        var name = $"inflight-{Ids.New()}";
        var body = CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0"));
        var marks = cluster.Nodes.ToDictionary(n => n, n => n.LogLength);
        using var http = cluster.Front.Client();

        var content = new HeldBackContent(body, body.Length / 2);
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/crates/new") { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", cluster.AdminToken);
        var sending = http.SendAsync(request, Cancel);

        // nginx streams a publish's body, so the request reaches a node while its second half is still held back here.
        GhostCrateServer? holder = null;
        await Eventually.TrueAsync(() => (holder = cluster.Nodes.FirstOrDefault(n => PublishStarted(n.LogSince(marks[n])))) is not null,
            "no node received the publish", TimeSpan.FromSeconds(30), Cancel);
        var other = holder == cluster.A ? cluster.B : cluster.A;
        await holder!.StopAsync(); // SIGKILL mid-request
        content.Release();

        string outcome;
        try
        {
            using var response = await sending;
            var text = await response.Content.ReadAsStringAsync(Cancel);
            outcome = $"HTTP {(int)response.StatusCode} {text}";
            Assert.True(response.StatusCode != HttpStatusCode.OK, $"the publish to the killed node succeeded: {outcome}");
            // nginx's own answer in Cargo's format (@ghostcrate_unavailable), which cargo prints.
            Assert.NotEmpty(HttpAnswer.ParseErrorDetails(text));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            outcome = "connection error: " + e.Message; // cargo reports a failed upload too
        }

        Assert.False(PublishStarted(other.LogSince(marks[other])), $"nginx replayed the publish on the other node (client saw: {outcome})");
        var unknown = await other.Http.GetIndexFileAsync(name, cancellationToken: Cancel);
        Assert.True(unknown.Status == HttpStatusCode.NotFound, $"the interrupted publish left a version behind:\n{unknown.Describe()}");

        // Run again, as a user would after the error: nginx sends it to the node that is up, which stores it once.
        using var again = new HttpRequestMessage(HttpMethod.Put, "api/v1/crates/new") { Content = new ByteArrayContent(body) };
        again.Headers.TryAddWithoutValidation("Authorization", cluster.AdminToken);
        using var retried = await http.SendAsync(again, Cancel);
        Assert.True(retried.StatusCode == HttpStatusCode.OK, $"{(int)retried.StatusCode} {await retried.Content.ReadAsStringAsync(Cancel)}\n{cluster.Front.Describe()}");
        using var index = await http.GetAsync("index/" + RegistryClient.IndexPath(name), Cancel);
        var entries = RegistryClient.ParseIndexLines(await index.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(["1.0.0"], entries.Select(e => e["vers"]!.GetValue<string>()));
    }

    private static bool PublishStarted(string log) =>
        log.Split('\n').Any(line => line.Contains("Request starting HTTP/1.1 PUT ", StringComparison.Ordinal) && line.Contains("/api/v1/crates/new", StringComparison.Ordinal));

    /// <summary>A request body whose second part is sent only after <see cref="Release"/>: a publish held mid-upload.</summary>
    private sealed class HeldBackContent(byte[] body, int firstPart) : HttpContent
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, firstPart));
            await stream.FlushAsync();
            await _release.Task;
            await stream.WriteAsync(body.AsMemory(firstPart));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
