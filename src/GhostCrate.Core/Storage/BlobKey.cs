namespace GhostCrate.Core.Storage;

/// <summary>
/// The one type that owns storage paths (crates.io's StorageKey): every object kind gets its key, content type
/// and cache policy here. Private crates and proxied crates live in separate areas (as Kellnr does), so a proxy
/// cache purge can never touch a private crate.
/// </summary>
public readonly record struct BlobKey
{
    public string Path { get; }
    public string ContentType { get; }

    private BlobKey(string path, string contentType)
    {
        Path = path;
        ContentType = contentType;
    }

    /// <summary>A private crate file: crates/{lowercase-name}/{lowercase-name}-{version}.crate.</summary>
    public static BlobKey CrateFile(string crateName, string version)
    {
        var lower = crateName.ToLowerInvariant();
        return new BlobKey($"crates/{lower}/{lower}-{version}.crate", "application/gzip");
    }

    /// <summary>A crate file cached from an upstream registry: proxy/{upstream}/{lowercase-name}/{lowercase-name}-{version}.crate.</summary>
    public static BlobKey ProxyCrateFile(string upstream, string crateName, string version)
    {
        var lower = crateName.ToLowerInvariant();
        return new BlobKey($"proxy/{upstream}/{lower}/{lower}-{version}.crate", "application/gzip");
    }

    /// <summary>
    /// One file of a version's rustdoc: docs/{lowercase-name}/{version}/{generation}/{path}. Each upload or build
    /// writes a new generation, so a reader never sees a half-replaced set (docs/rustdoc.md).
    /// </summary>
    public static BlobKey DocsFile(string crateName, string version, string generation, string path) =>
        new(DocsGenerationPrefix(crateName, version, generation) + path, Docs.DocsContentTypes.For(path));

    /// <summary>The folder of one generation of a version's docs (for listing and deleting it).</summary>
    public static string DocsGenerationPrefix(string crateName, string version, string generation) =>
        $"{DocsRoot}{crateName.ToLowerInvariant()}/{version}/{generation}/";

    /// <summary>Where every version's rustdoc lives in storage.</summary>
    public const string DocsRoot = "docs/";

    /// <summary>
    /// One file of an uploaded custom rustup toolchain: toolchains/custom/{name}/{path}, where path is `release.json`
    /// (the published release: manifest, signature, archive list) or `dist/{upload}/{file}` (a component archive of
    /// one upload; a new upload of the name writes a new folder, so the release record is switched in one write).
    /// </summary>
    public static BlobKey CustomToolchainFile(string name, string path) =>
        new($"{CustomToolchainRoot}{name}/{path}", path.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/gzip");

    /// <summary>Where every uploaded custom toolchain lives in storage.</summary>
    public const string CustomToolchainRoot = "toolchains/custom/";

    /// <summary>Rebuilds a key from a stored path (listing); only for paths this type produced.</summary>
    public static BlobKey FromPath(string path) =>
        path.StartsWith(DocsRoot, StringComparison.Ordinal) ? new(path, Docs.DocsContentTypes.For(path))
        : new(path, path.EndsWith(".crate", StringComparison.Ordinal) ? "application/gzip" : "application/octet-stream");

    /// <summary>Crate files never change once published, so downloads may be cached forever.</summary>
    public bool Immutable => Path.EndsWith(".crate", StringComparison.Ordinal) && !Path.StartsWith(DocsRoot, StringComparison.Ordinal);

    public override string ToString() => Path;
}
