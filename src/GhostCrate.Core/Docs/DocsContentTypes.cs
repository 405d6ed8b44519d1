namespace GhostCrate.Core.Docs;

/// <summary>
/// The Content-Type of a rustdoc file, from its extension. Served with `X-Content-Type-Options: nosniff`, so a file
/// is only ever what its name says; anything unknown is an opaque download.
/// </summary>
public static class DocsContentTypes
{
    public const string Html = "text/html; charset=utf-8";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = Html,
        [".htm"] = Html,
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".ico"] = "image/x-icon",
        [".webp"] = "image/webp",
        [".woff"] = "font/woff",
        [".woff2"] = "font/woff2",
        [".ttf"] = "font/ttf",
        [".otf"] = "font/otf",
        [".txt"] = "text/plain; charset=utf-8",
        [".md"] = "text/plain; charset=utf-8",
        [".rs"] = "text/plain; charset=utf-8",
        [".map"] = "application/json",
        [".wasm"] = "application/wasm",
    };

    public static string For(string path)
    {
        var slash = path.LastIndexOf('/');
        var dot = path.LastIndexOf('.');
        return dot > slash && ByExtension.TryGetValue(path[dot..], out var type) ? type : "application/octet-stream";
    }
}
