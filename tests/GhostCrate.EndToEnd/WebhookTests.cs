using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>A server whose webhooks may reach 127.0.0.1 and retry after one second (instead of Standard Webhooks' hours).</summary>
public sealed class WebhookServerFixture : ServerFixture
{
    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Webhooks__AllowedCidrs__0"] = "127.0.0.1/32",
            ["GHOSTCRATE_Jobs__PollInterval"] = "00:00:00.200",
            // A delivery in flight when the server is killed is taken again once its lease expires: keep that short.
            ["GHOSTCRATE_Jobs__LeaseDuration"] = "00:00:05",
            ["GHOSTCRATE_Webhooks__Timeout"] = "00:00:03",
            ["GHOSTCRATE_Webhooks__RetrySchedule__0"] = "00:00:01",
            ["GHOSTCRATE_Webhooks__RetrySchedule__1"] = "00:00:01",
            ["GHOSTCRATE_Webhooks__RetrySchedule__2"] = "00:00:01",
            ["GHOSTCRATE_Webhooks__RetrySchedule__3"] = "00:00:01",
        },
    };
}

/// <summary>Real cargo publish and yank reach a real receiver, signed; deliveries pending when the server is killed arrive after it restarts.</summary>
public sealed class WebhookTests(WebhookServerFixture fixture) : EndToEndTest(fixture), IClassFixture<WebhookServerFixture>
{
    [Fact]
    public async Task Cargo_publish_and_yank_are_delivered_and_a_killed_server_delivers_what_was_pending()
    {
        using var receiver = Receiver.Start();
        var name = $"hooked-{Ids.New()}";
        var secret = await CreateEndpointAsync(receiver.Url, name);

        await Cargo.PublishOkAsync(await Cargo.NewLibAsync(name, "0.1.0"));
        await Cargo.RunOkAsync(Cargo.ProjectsDir, ["yank", "--registry", CargoSandbox.Registry, "--version", "0.1.0", name]);
        var first = await receiver.WaitForAsync(r => r.Type == "crate.yanked", "the yank");
        var published = receiver.Requests.Single(r => r.Type == "crate.published");
        Assert.All(new[] { published, first }, r => Assert.True(r.Verifies(secret), $"signature of {r.Body} does not verify"));
        Assert.Contains($"\"crate\":\"{name}\"", published.Body, StringComparison.Ordinal);

        // The receiver fails from now on; a publish is tried, fails, and waits for its retry when the server is killed.
        receiver.Failing = true;
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync(name, "0.2.0"));
        var failed = await receiver.WaitForAsync(r => r.Type == "crate.published" && r.Body.Contains("0.2.0", StringComparison.Ordinal), "the failing attempt");
        await Server.StopAsync();
        receiver.Failing = false;
        await Server.RestartAsync(Cancel);

        var delivered = await receiver.WaitForAsync(r => r.Id == failed.Id && r.Answered == 200, "the delivery after the restart");
        Assert.True(delivered.Verifies(secret));
        // Every request for this event carried the same webhook-id (the only duplicates are retries of one id).
        Assert.Single(receiver.Requests.Where(r => r.Body.Contains("0.2.0", StringComparison.Ordinal)).Select(r => r.Id).Distinct());
    }

    private async Task<string> CreateEndpointAsync(Uri url, string crate)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/admin/webhooks")
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["url"] = url.ToString(),
                ["events"] = new[] { "crate.published", "crate.yanked" },
                ["crate_patterns"] = new[] { crate },
            }), Encoding.UTF8, "application/json"),
        };
        var answer = await Http.SendAsync(request, Server.AdminToken, Cancel);
        Assert.True(answer.Status == HttpStatusCode.Created, answer.Describe());
        return JsonDocument.Parse(answer.Body).RootElement.GetProperty("secrets")[0].GetString()!;
    }

    /// <summary>An HTTP receiver on 127.0.0.1 (HttpListener), answering 500 while <see cref="Failing"/>.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();

        public sealed record Request(string? Id, string? Timestamp, string? Signature, string Body, int Answered)
        {
            public string? Type => JsonDocument.Parse(Body).RootElement.GetProperty("type").GetString();

            /// <summary>Standard Webhooks verification, written here from the spec: HMAC-SHA256 of "id.timestamp.body".</summary>
            public bool Verifies(string secret)
            {
                var expected = Convert.ToBase64String(HMACSHA256.HashData(
                    Convert.FromBase64String(secret["whsec_".Length..]), Encoding.UTF8.GetBytes($"{Id}.{Timestamp}.{Body}")));
                return (Signature ?? "").Split(' ').Any(s => s == "v1," + expected);
            }
        }

        public ConcurrentQueue<Request> Requests { get; } = new();
        public volatile bool Failing;
        public Uri Url { get; private init; } = null!;

        public static Receiver Start()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var receiver = new Receiver { Url = new Uri($"http://127.0.0.1:{port}/hook/") };
            receiver._listener.Prefixes.Add(receiver.Url.ToString());
            receiver._listener.Start();
            _ = receiver.ServeAsync();
            return receiver;
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var status = Failing ? 500 : 200;
                Requests.Enqueue(new Request(context.Request.Headers["webhook-id"], context.Request.Headers["webhook-timestamp"], context.Request.Headers["webhook-signature"], body, status));
                context.Response.StatusCode = status;
                context.Response.Close();
            }
        }

        public async Task<Request> WaitForAsync(Func<Request, bool> match, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if (Requests.FirstOrDefault(match) is { } found) return found;
                await Task.Delay(50);
            }
            throw new Xunit.Sdk.XunitException($"no webhook request for {what} within 60 s; got {Requests.Count}: {string.Join(" | ", Requests.Select(r => r.Body))}");
        }

        public void Dispose() => _listener.Close();
    }
}
