using System.Collections.Concurrent;
using System.Net;
using GhostCrate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Mirror.Tests.Support;

public enum Fault
{
    None,
    /// <summary>The connection is reset before any response.</summary>
    Drop,
    /// <summary>HTTP 500.</summary>
    ServerError,
    /// <summary>Headers and half the body, then nothing until the client gives up.</summary>
    Stall,
    /// <summary>The full body with one byte flipped.</summary>
    Corrupt,
    /// <summary>Headers announce the full length; half the body arrives, then the connection is reset.</summary>
    Truncate,
}

/// <summary>
/// A small HTTP proxy (Kestrel on 127.0.0.1) between the mirror and its upstream that injects faults by request path
/// and counts every request, so tests can assert what was (not) downloaded again. It also answers Range requests from
/// the full upstream body, like a CDN does, so resuming can be observed.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private LoopbackServer? _server;
    private readonly HttpClient _upstream;
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, string? Range)> _log = new();
    private readonly ConcurrentQueue<(string Path, int Status)> _answers = new();
    private readonly TaskCompletionSource _releaseStalls = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FaultProxy(Uri upstream)
    {
        _upstream = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = upstream };
    }

    /// <summary>(path, 1-based number of this request for that path) -> the fault to inject.</summary>
    public Func<string, int, Fault> Plan { get; set; } = (_, _) => Fault.None;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<FaultProxy> StartAsync(Uri upstream)
    {
        var proxy = new FaultProxy(upstream);
        proxy._server = await LoopbackServer.StartAsync(app => app.Run(proxy.HandleAsync));
        proxy.BaseAddress = proxy._server.BaseAddress;
        return proxy;
    }

    public int Count(string path) => _counts.TryGetValue(path, out var n) ? n : 0;

    public int CountWhere(Func<string, bool> predicate) => _counts.Where(kv => predicate(kv.Key)).Sum(kv => kv.Value);

    public IReadOnlyList<(string Path, string? Range)> Requests => [.. _log];

    /// <summary>What the upstream answered, per request it was asked (faults injected before it are not in here).</summary>
    public IReadOnlyList<(string Path, int Status)> UpstreamAnswers => [.. _answers];

    /// <summary>Stalled responses end (with a reset) once this is called.</summary>
    public void ReleaseStalls() => _releaseStalls.TrySetResult();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var number = _counts.AddOrUpdate(path, 1, (_, n) => n + 1);
        var range = context.Request.Headers.Range.ToString();
        _log.Enqueue((path, range.Length > 0 ? range : null));
        var fault = Plan(path, number);
        if (fault == Fault.Drop)
        {
            context.Abort();
            return;
        }
        if (fault == Fault.ServerError)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("injected failure");
            return;
        }

        // Conditional requests pass through, so the upstream itself decides on 304 (and its validators come back).
        using var forward = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/') + context.Request.QueryString);
        foreach (var header in new[] { "If-None-Match", "If-Modified-Since" })
        {
            if (context.Request.Headers.TryGetValue(header, out var value)) forward.Headers.TryAddWithoutValidation(header, value.ToString());
        }
        using var upstream = await _upstream.SendAsync(forward, context.RequestAborted);
        _answers.Enqueue((path, (int)upstream.StatusCode));
        var body = await upstream.Content.ReadAsByteArrayAsync(context.RequestAborted);
        context.Response.StatusCode = (int)upstream.StatusCode;
        if (upstream.Headers.ETag is { } etag) context.Response.Headers.ETag = etag.ToString();
        if (upstream.Content.Headers.LastModified is { } modified) context.Response.Headers.LastModified = modified.ToString("R");
        if (upstream.StatusCode == HttpStatusCode.NotModified) return;
        if (upstream.Content.Headers.ContentType is { } type) context.Response.ContentType = type.ToString();
        long offset = 0;
        if (upstream.StatusCode == HttpStatusCode.OK && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
            && long.TryParse(range["bytes=".Length..^1], out var from))
        {
            if (from >= body.Length)
            {
                context.Response.StatusCode = 416;
                context.Response.Headers.ContentRange = $"bytes */{body.Length}";
                return;
            }
            offset = from;
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{body.Length - 1}/{body.Length}";
        }
        var payload = body.AsMemory((int)offset);
        context.Response.ContentLength = payload.Length;
        switch (fault)
        {
            case Fault.Corrupt:
                var copy = payload.ToArray();
                copy[copy.Length / 2] ^= 0x5A;
                await context.Response.Body.WriteAsync(copy, context.RequestAborted);
                return;
            case Fault.Truncate:
                await context.Response.Body.WriteAsync(payload[..(payload.Length / 2)], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                context.Abort();
                return;
            case Fault.Stall:
                await context.Response.Body.WriteAsync(payload[..(payload.Length / 2)], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.WhenAny(_releaseStalls.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
                context.Abort();
                return;
            default:
                await context.Response.Body.WriteAsync(payload, context.RequestAborted);
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseStalls();
        if (_server is not null) await _server.DisposeAsync();
        _upstream.Dispose();
    }
}
