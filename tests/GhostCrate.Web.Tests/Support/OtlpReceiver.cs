using System.Collections.Concurrent;
using System.Text;
using GhostCrate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

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
/// An OTLP receiver on 127.0.0.1, as a collector is: OTLP/HTTP (https://opentelemetry.io/docs/specs/otlp/#otlphttp)
/// keeps every POST to /v1/traces, /v1/metrics and /v1/logs and answers 200 with an empty protobuf message; OTLP/gRPC
/// (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc) listens for cleartext HTTP/2 and keeps every unary Export
/// call of the trace and metrics services under the same paths, answering an empty message with grpc-status 0.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<OtlpExport> _received = new();
    private LoopbackServer? _server;

    private OtlpReceiver() { }

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<OtlpExport> Received => [.. _received];

    public static async Task<OtlpReceiver> StartAsync(bool grpc = false)
    {
        var receiver = new OtlpReceiver();
        receiver._server = await LoopbackServer.StartAsync(receiver.Map, builder =>
        {
            // gRPC clients speak HTTP/2 with prior knowledge on a cleartext port.
            if (grpc) builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
        });
        receiver.Endpoint = receiver._server.BaseAddress;
        return receiver;
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _received.Enqueue(new OtlpExport("/v1/" + signal, context.Request.ContentType, body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/opentelemetry.proto.collector.{signal}.v1.{service}/Export", async (string signal, HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            // A gRPC message is framed: 1 byte compressed flag, 4 bytes big-endian length, then the protobuf message
            // (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md).
            var frame = body.ToArray();
            var length = frame.Length >= 5 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(1, 4)) : -1;
            if (length < 0 || frame[0] != 0 || frame.Length != 5 + length)
            {
                context.Response.StatusCode = 400;
                return;
            }
            // Recorded under the OTLP/HTTP path of the same signal (the trace service's package is "trace", its path "traces").
            _received.Enqueue(new OtlpExport("/v1/" + (signal == "trace" ? "traces" : signal), context.Request.ContentType, frame[5..]));
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5]); // an empty Export*ServiceResponse
            context.Response.AppendTrailer("grpc-status", "0");
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
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
