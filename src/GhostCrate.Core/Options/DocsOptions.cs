namespace GhostCrate.Core.Options;

/// <summary>Section Docs: rustdoc uploads, serving and the builder (docs/rustdoc.md).</summary>
public sealed class DocsOptions
{
    public const string Section = "Docs";

    /// <summary>
    /// A separate origin (e.g. https://docs.crates.example.com) that serves /docs: the main origin redirects there, so
    /// a crate's JavaScript never runs on the registry's origin. Empty: served here, in a CSP sandbox (opaque origin).
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>Largest accepted archive (the request body of PUT /api/v1/docs/{crate}/{version}).</summary>
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Largest total of the files once unpacked (decompression bomb guard).</summary>
    public long MaxUnpackedBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most entries (files and folders) in one archive.</summary>
    public int MaxFiles { get; set; } = 100_000;

    /// <summary>Longest path of one file inside the documentation, in UTF-8 bytes (storage keys are limited).</summary>
    public int MaxPathBytes { get; set; } = 512;

    /// <summary>The sandboxed builder (Docs:Build:*); off by default.</summary>
    public DocsBuildOptions Build { get; set; } = new();

    public static IEnumerable<string> Validate(DocsOptions options)
    {
        if (options.Origin is { Length: > 0 } origin
            && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Query.Length > 0))
            yield return $"{Section}:Origin must be an http(s) origin without a path, such as https://docs.crates.example.com (got '{origin}')";
        if (options.MaxUploadBytes <= 0) yield return $"{Section}:MaxUploadBytes must be positive (got {options.MaxUploadBytes})";
        if (options.MaxUnpackedBytes < options.MaxUploadBytes) yield return $"{Section}:MaxUnpackedBytes ({options.MaxUnpackedBytes}) must be at least {Section}:MaxUploadBytes ({options.MaxUploadBytes})";
        if (options.MaxFiles <= 0) yield return $"{Section}:MaxFiles must be positive (got {options.MaxFiles})";
        if (options.MaxPathBytes is < 64 or > 800) yield return $"{Section}:MaxPathBytes must be between 64 and 800 (got {options.MaxPathBytes})";
    }
}
