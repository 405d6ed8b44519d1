using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace GhostCrate.Web.Ui.Assets;

/// <summary>GET /assets/{path}: the embedded UI files, compressed when the browser accepts it, cached by content hash.</summary>
public static class AssetEndpoints
{
    public static IEndpointRouteBuilder MapUiAssets(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/assets/{**path}", [HttpMethods.Get, HttpMethods.Head], (string path, HttpContext context, AssetCatalog catalog) =>
        {
            var asset = catalog.Find(path);
            if (asset is null) return Results.NotFound();
            var headers = context.Response.Headers;
            // A URL carrying the right hash names these exact bytes forever; any other URL must be revalidated.
            headers.CacheControl = context.Request.Query["v"] == asset.Hash ? "public, max-age=31536000, immutable" : "public, no-cache";
            headers.ETag = asset.ETag;
            headers.XContentTypeOptions = "nosniff";
            headers.Vary = HeaderNames.AcceptEncoding;
            if (context.Request.Headers.IfNoneMatch.ToString().Contains(asset.ETag, StringComparison.Ordinal))
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
            var (body, encoding) = Choose(asset, context.Request.Headers.AcceptEncoding.ToString());
            if (encoding is not null) headers.ContentEncoding = encoding;
            return Results.Bytes(body, asset.ContentType);
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>Brotli, else gzip, else the plain bytes (q=0 refuses an encoding, RFC 9110 §12.5.3).</summary>
    private static (byte[] Body, string? Encoding) Choose(Asset asset, string acceptEncoding)
    {
        var accepted = acceptEncoding.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => e.Split(';', StringSplitOptions.TrimEntries))
            .Where(p => p.Skip(1).All(q => q.Replace(" ", "", StringComparison.Ordinal) is not ("q=0" or "q=0.0" or "q=0.00" or "q=0.000")))
            .Select(p => p[0].ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
        if (accepted.Contains("br") && asset.Brotli is { } br && br.Length < asset.Content.Length) return (br, "br");
        if (accepted.Contains("gzip") && asset.Gzip is { } gz && gz.Length < asset.Content.Length) return (gz, "gzip");
        return (asset.Content, null);
    }
}
