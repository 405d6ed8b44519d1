using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel) that records every request and checks both signature styles with its
/// own implementation of the Standard Webhooks and GitHub schemes (not GhostCrate's). Answers come from a queue of
/// status codes (200 when it is empty).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _answers = new();

    public sealed record Received(string? Id, string? Timestamp, string? Signature, string? HubSignature, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers;
            receiver.Requests.Enqueue(new Received(headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], headers["X-Hub-Signature-256"], body));
            var (status, retryAfter) = receiver._answers.TryDequeue(out var answer) ? answer : (200, null);
            if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status == 200 ? "thanks" : $"failing with {status}", context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    public void AnswerNext(int status, string? retryAfter = null) => _answers.Enqueue((status, retryAfter));

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
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
