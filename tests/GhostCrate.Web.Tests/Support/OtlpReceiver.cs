using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Tests.Support;

/// <summary>One OTLP/HTTP export as received: signal path, content type and body.</summary>
public sealed record OtlpExport(string Path, string? ContentType, byte[] Body)
{
    /// <summary>
    /// The resource attribute service.name of the first resource in an ExportTraceServiceRequest or
    /// ExportMetricsServiceRequest (both: field 1 = resource_spans/resource_metrics, its field 1 = resource, whose
    /// field 1 = attributes as KeyValue{1: key, 2: AnyValue{1: string_value}};
    /// https://github.com/open-telemetry/opentelemetry-proto/tree/main/opentelemetry/proto).
    /// </summary>
    public string? ServiceName()
    {
        foreach (var resourceData in Protobuf.Fields(Body, 1))
        {
            foreach (var resource in Protobuf.Fields(resourceData, 1))
            {
                foreach (var attribute in Protobuf.Fields(resource, 1))
                {
                    var key = Protobuf.Fields(attribute, 1).Select(k => Encoding.UTF8.GetString(k)).FirstOrDefault();
                    if (key != "service.name") continue;
                    return Protobuf.Fields(attribute, 2).SelectMany(v => Protobuf.Fields(v, 1)).Select(s => Encoding.UTF8.GetString(s)).FirstOrDefault();
                }
            }
        }
        return null;
    }
}

/// <summary>
/// An OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp) on 127.0.0.1: keeps every POST to
/// /v1/traces, /v1/metrics and /v1/logs and answers 200 with an empty protobuf message, as a collector does.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpExport> _received = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<OtlpExport> Received => [.. _received];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver._received.Enqueue(new OtlpExport("/v1/" + signal, context.Request.ContentType, body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Just enough of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/) to read nested messages.</summary>
internal static class Protobuf
{
    /// <summary>The payloads of every length-delimited field <paramref name="number"/> of a message.</summary>
    public static IEnumerable<byte[]> Fields(byte[] message, int number)
    {
        var i = 0;
        while (i < message.Length)
        {
            var tag = Varint(message, ref i);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: Varint(message, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    if (field == number) yield return message[i..(i + length)];
                    i += length;
                    break;
                default: throw new FormatException($"unsupported wire type {tag & 7}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}
