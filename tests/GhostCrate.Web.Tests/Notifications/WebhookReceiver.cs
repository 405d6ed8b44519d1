using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel) that records every request and checks both signature styles with its
/// own implementation of the Standard Webhooks and GitHub schemes (not GhostCrate's). Answers come from a queue of
/// status codes (200 when it is empty), or no answer at all (<see cref="HangNext"/>).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _answers = new();
    private LoopbackServer? _server;

    public sealed record Received(string? Id, string? Timestamp, string? Signature, string? HubSignature, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    private WebhookReceiver() { }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/hook", receiver.ReceiveAsync));
        receiver.Url = new Uri(receiver._server.BaseAddress, "hook");
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers;
        Requests.Enqueue(new Received(headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], headers["X-Hub-Signature-256"], body));
        var (status, retryAfter) = _answers.TryDequeue(out var answer) ? answer : (200, null);
        if (status == Hang)
        {
            // No answer at all: the sender's timeout has to end the request.
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
            catch (OperationCanceledException) { }
            return;
        }
        if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
        // A redirect points back here, method and body kept (307/308): a sender that followed it would be seen at once.
        if (status is >= 300 and < 400) context.Response.Headers.Location = Url.ToString();
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status == 200 ? "thanks" : $"failing with {status}", context.RequestAborted);
    }

    public void AnswerNext(int status, string? retryAfter = null) => _answers.Enqueue((status, retryAfter));

    /// <summary>The next request gets no answer until the sender gives up on it.</summary>
    public void HangNext() => _answers.Enqueue((Hang, null));

    private const int Hang = -1;

    /// <summary>Polls until <paramref name="count"/> requests arrived (deadline 30 s), then returns them in order.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Requests.Count < count && DateTime.UtcNow < deadline) await Task.Delay(25);
        Assert.True(Requests.Count >= count, $"expected {count} webhook requests, got {Requests.Count}");
        return Requests.ToList();
    }

    /// <summary>The Standard Webhooks check, written from the spec: any "v1," signature equal to HMAC(id.ts.body).</summary>
    public static bool VerifyStandard(Received request, string secret)
    {
        var key = Convert.FromBase64String(secret.Substring("whsec_".Length));
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{request.Id}.{request.Timestamp}.{request.Body}"));
        foreach (var part in (request.Signature ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',');
            if (comma < 0 || part[..comma] != "v1") continue;
            byte[] given;
            try { given = Convert.FromBase64String(part[(comma + 1)..]); }
            catch (FormatException) { continue; }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return true;
        }
        return false;
    }

    /// <summary>GitHub's check: "sha256=" + lowercase hex HMAC of the raw body.</summary>
    public static bool VerifyHub(Received request, string secret)
    {
        var key = Convert.FromBase64String(secret.Substring("whsec_".Length));
        var expected = "sha256=" + string.Concat(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(request.Body)).Select(b => b.ToString("x2")));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.HubSignature ?? ""));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
