using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Http;

/// <summary>
/// A raw request body read into memory up to a route's own limit. A chunked body without Content-Length is bounded
/// too, and a small body costs a small buffer. Past the limit, a little more is read before the route answers 413,
/// so a client still sending a slightly larger body (or the end of its chunked body) gets the answer instead of a
/// broken pipe; a much larger one is cut off by the server's body limit.
/// </summary>
public static class BoundedBody
{
    /// <summary>How much is read past the limit before answering.</summary>
    public const int DrainBytes = 1024 * 1024;

    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<MemoryStream?> ReadAsync(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes + DrainBytes) return null;
        RequestBodyLimit.Set(context, maxBytes + 1 + DrainBytes);
        var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while (body.Length <= maxBytes && (read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
                body.Write(chunk, 0, read);
            if (body.Length <= maxBytes) return body;
            long drained = 0;
            while (drained < DrainBytes && (read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0) drained += read;
        }
        catch (BadHttpRequestException)
        {
            // Kestrel's limit: the body was larger still.
        }
        await body.DisposeAsync();
        return null;
    }
}
