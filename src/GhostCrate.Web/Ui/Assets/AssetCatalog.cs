using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace GhostCrate.Web.Ui.Assets;

/// <summary>
/// The UI's static files, embedded in this assembly from wwwroot (own CSS/JS and the vendored npm files). Each file
/// gets a content hash, so pages link to <c>/assets/x.js?v=hash</c> and browsers may cache it forever. Compressed
/// bodies come from the vendored X.br / X.gz files when present, else are made once on first use.
/// </summary>
public sealed class AssetCatalog
{
    private const string Prefix = "wwwroot/";
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly FrozenSet<string> Compressible = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, ".js", ".css", ".svg", ".json", ".txt", ".map", ".html");

    private readonly FrozenDictionary<string, Asset> _assets;

    public AssetCatalog()
    {
        var assembly = typeof(AssetCatalog).Assembly;
        var raw = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            // LogicalName keeps the folder separator of the build machine.
            var normalized = name.Replace('\\', '/');
            if (!normalized.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            raw[normalized[Prefix.Length..]] = copy.ToArray();
        }
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var (path, bytes) in raw)
        {
            if (path.EndsWith(".br", StringComparison.Ordinal) || path.EndsWith(".gz", StringComparison.Ordinal)) continue;
            if (!ContentTypes.TryGetContentType(path, out var type)) type = "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "text/javascript" or "application/json") type += "; charset=utf-8";
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
            assets[path] = new Asset(path, type, bytes, hash, raw.GetValueOrDefault(path + ".br"), raw.GetValueOrDefault(path + ".gz"), Compressible.Contains(Path.GetExtension(path)));
        }
        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<Asset> All => _assets.Values;

    public Asset? Find(string path) => _assets.GetValueOrDefault(path.TrimStart('/'));

    /// <summary>The cache-busting URL of an asset; throws for a path that does not exist, so a typo fails the page test.</summary>
    public string Url(string path) =>
        Find(path) is { } asset ? $"/assets/{asset.Path}?v={asset.Hash}" : throw new ArgumentException($"no UI asset `{path}` in wwwroot", nameof(path));
}

/// <summary>One file. <see cref="Brotli"/> and <see cref="Gzip"/> are made on first use when not vendored.</summary>
public sealed class Asset(string path, string contentType, byte[] content, string hash, byte[]? brotli, byte[]? gzip, bool compressible)
{
    private readonly Lazy<byte[]?> _brotli = new(() => brotli ?? (compressible ? Compress(content, s => new BrotliStream(s, CompressionLevel.SmallestSize)) : null));
    private readonly Lazy<byte[]?> _gzip = new(() => gzip ?? (compressible ? Compress(content, s => new GZipStream(s, CompressionLevel.SmallestSize)) : null));

    public string Path { get; } = path;
    public string ContentType { get; } = contentType;
    public byte[] Content { get; } = content;
    public string Hash { get; } = hash;
    public string ETag => $"\"{Hash}\"";
    public byte[]? Brotli => _brotli.Value;
    public byte[]? Gzip => _gzip.Value;

    private static byte[] Compress(byte[] data, Func<Stream, Stream> wrap)
    {
        using var output = new MemoryStream();
        using (var compressor = wrap(output)) compressor.Write(data);
        return output.ToArray();
    }
}
