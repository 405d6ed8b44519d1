using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GhostCrate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// A webhook receiver on 127.0.0.1 (a port the kernel picks) for the servers under test: it records every request and
/// the status it answered, answers 500 while <see cref="Failing"/>, or 500 to the first request of each webhook-id
/// while <see cref="FailFirstAttempt"/> (a receiver that fails once, then takes the retry).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private LoopbackServer? _server;

    private WebhookReceiver() { }

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
    public volatile bool FailFirstAttempt;
    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/hook/", receiver.ReceiveAsync));
        receiver.Url = new Uri(receiver._server.BaseAddress, "hook/");
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers;
        string? id = headers["webhook-id"];
        var attempt = _attempts.AddOrUpdate(id ?? "", 1, (_, n) => n + 1);
        var status = Failing || (FailFirstAttempt && attempt == 1) ? 500 : 200;
        Requests.Enqueue(new Request(id, headers["webhook-timestamp"], headers["webhook-signature"], body, status));
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status == 200 ? "thanks" : "failing", context.RequestAborted);
    }

    /// <summary>Creates a registry-wide endpoint for this receiver (admin API) and returns its id and signing secret.</summary>
    public async Task<(long Id, string Secret)> SubscribeAsync(RegistryClient http, string adminToken, string[] events, string cratePattern, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/admin/webhooks")
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["url"] = Url.ToString(),
                ["events"] = events,
                ["crate_patterns"] = new[] { cratePattern },
            }), Encoding.UTF8, "application/json"),
        };
        var answer = await http.SendAsync(request, adminToken, cancellationToken);
        Assert.True(answer.Status == System.Net.HttpStatusCode.Created, answer.Describe());
        var endpoint = JsonDocument.Parse(answer.Body).RootElement;
        return (endpoint.GetProperty("id").GetInt64(), endpoint.GetProperty("secrets")[0].GetString()!);
    }

    public async Task<Request> WaitForAsync(Func<Request, bool> match, string what)
    {
        Request? found = null;
        await Eventually.TrueAsync(() => (found = Requests.FirstOrDefault(match)) is not null,
            $"no webhook request for {what}; got {Requests.Count}: {string.Join(" | ", Requests.Select(r => r.Body))}", TimeSpan.FromSeconds(60));
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
