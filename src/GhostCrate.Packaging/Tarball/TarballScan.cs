namespace GhostCrate.Packaging.Tarball;

/// <summary>What one streaming pass over a .crate found.</summary>
internal sealed class TarballScan(Content.ContentInspector content)
{
    public Content.ContentInspector Content { get; } = content;
    public TarballError? Error { get; set; }
    /// <summary>Path (relative to the package root) of the root manifest, in whatever case it was found.</summary>
    public string? ManifestPath { get; set; }
    public ManifestFacts? Manifest { get; set; }
    public HashSet<string> Files { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (byte[] Bytes, bool Truncated)> Captured { get; } = new(StringComparer.Ordinal);
    public long UnpackedSize { get; set; }
    public int EntryCount { get; set; }

    public TarballScan Fail(TarballError error)
    {
        Error = error;
        return this;
    }

    public TarballScan Fail(TarballErrorKind kind, string message) => Fail(new TarballError(kind, message));
}
