using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Http;

/// <summary>Small JSON bodies of the account and admin API, capped well below the server-wide body limit.</summary>
public static class JsonBody
{
    public const long MaxBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The body as <typeparamref name="T"/>, or null when it is missing, too large or not valid JSON for it.</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext context) where T : class
    {
        if (context.Request.ContentLength > MaxBytes) return null;
        RequestBodyLimit.Set(context, MaxBytes);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Options, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
    }
}
