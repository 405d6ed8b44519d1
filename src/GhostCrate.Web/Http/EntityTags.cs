using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Http;

/// <summary>If-None-Match as index files and .crate downloads both evaluate it, matched without parsing into objects.</summary>
public static class EntityTags
{
    /// <summary>RFC 9110 §13.1.2: whether the request's If-None-Match lists `*` or the tag (weak comparison).</summary>
    public static bool IfNoneMatchNames(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            if (value is not null && ListContains(value, etag)) return true;
        }
        return false;
    }

    /// <summary>Whether a comma-separated If-None-Match list holds `*` or the tag (strong or weak).</summary>
    private static bool ListContains(string list, string etag)
    {
        var rest = list.AsSpan();
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            var item = (comma < 0 ? rest : rest[..comma]).Trim();
            rest = comma < 0 ? [] : rest[(comma + 1)..];
            if (item.StartsWith("W/", StringComparison.Ordinal)) item = item[2..];
            if (item.SequenceEqual("*") || item.SequenceEqual(etag)) return true;
        }
        return false;
    }
}
