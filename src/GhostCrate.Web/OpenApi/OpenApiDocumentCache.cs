using System.Security.Cryptography;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace GhostCrate.Web.OpenApi;

/// <summary>
/// /api/openapi.json rendered once per process. The document only changes with the code (and the mounts configured at
/// start), while building it walks every endpoint and schema, which takes far longer than any other anonymous request;
/// rendering it on each request would let anyone keep the server busy with it. Only `servers` differs per request (the
/// registry's public address, as config.json gives it), so it is put in front of the cached rest (<see cref="Render"/>).
/// </summary>
public sealed class OpenApiDocumentCache(IServiceProvider services)
{
    private readonly Lazy<Task<RenderedDocument>> _document = new(() => RenderAsync(services), LazyThreadSafetyMode.ExecutionAndPublication);

    public Task<RenderedDocument> GetAsync() => _document.Value;

    private static async Task<RenderedDocument> RenderAsync(IServiceProvider services)
    {
        // The document service is registered per document name; ours is the default, "v1".
        var provider = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(GhostCrateOpenApi.DocumentName);
        var document = await provider.GetOpenApiDocumentAsync(CancellationToken.None);
        document.Servers = [];
        using var stream = new MemoryStream();
        await document.SerializeAsJsonAsync(stream, OpenApiSpecVersion.OpenApi3_1, CancellationToken.None);
        var bytes = stream.ToArray();
        if (bytes.Length < 2 || bytes[0] != (byte)'{') throw new InvalidOperationException("the OpenAPI document did not render as a JSON object");
        return new RenderedDocument(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)));
    }
}

/// <summary>The document's JSON without `servers`, and a hash of it.</summary>
public sealed record RenderedDocument(byte[] Json, string Hash)
{
    /// <summary>The document with `servers` set to <paramref name="serverUrl"/>, and its strong ETag.</summary>
    public (byte[] Body, string ETag) Render(string serverUrl)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes($"{{\"servers\":[{{\"url\":{System.Text.Json.JsonSerializer.Serialize(serverUrl)}}}],");
        var body = new byte[prefix.Length + Json.Length - 1];
        prefix.CopyTo(body, 0);
        Json.AsSpan(1).CopyTo(body.AsSpan(prefix.Length));
        var server = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(serverUrl)).AsSpan(0, 6));
        return (body, $"\"{Hash}-{server}\"");
    }
}
