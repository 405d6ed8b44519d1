namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// Maps blob keys to paths under the store root. <see cref="Core.Storage.BlobKey"/> only produces safe paths, but
/// <c>BlobKey.FromPath</c> accepts any string (it rebuilds keys from listings), so this is the last line of defence
/// against a key such as <c>../../etc/passwd</c> reading or writing outside the root.
/// </summary>
internal sealed class BlobPaths
{
    /// <summary>
    /// Temp files live under the root, not in /tmp, so the final rename stays on one file system and is atomic.
    /// Keys may not start with it, and listings skip it.
    /// </summary>
    public const string TempFolderName = ".tmp";

    private readonly string _rootWithSeparator;

    public BlobPaths(string rootPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootPath));
        _rootWithSeparator = Root + Path.DirectorySeparatorChar;
        TempFolder = Path.Combine(Root, TempFolderName);
    }

    public string Root { get; }

    public string TempFolder { get; }

    /// <summary>The full path of a blob; throws <see cref="ArgumentException"/> for a key that is not a plain relative path.</summary>
    public string Resolve(string? key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key, nameof(key));
        ValidateRelative(key, isPrefix: false, nameof(key));
        return Contain(Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar)), key);
    }

    /// <summary>
    /// The folder to enumerate for a listing prefix such as <c>crates/</c> or <c>crates/se</c> (a prefix is a string
    /// prefix, not necessarily a folder, so the partial last segment is dropped).
    /// </summary>
    public string FolderForPrefix(string prefix)
    {
        if (prefix.Length == 0) return Root;
        ValidateRelative(prefix, isPrefix: true, nameof(prefix));
        var lastSlash = prefix.LastIndexOf('/');
        if (lastSlash < 0) return Root;
        return Contain(Path.Combine(Root, prefix[..lastSlash].Replace('/', Path.DirectorySeparatorChar)), prefix);
    }

    /// <summary>The key of a file found under the root: relative, with '/' separators on every OS.</summary>
    public string KeyOf(string fullPath)
    {
        // A listing's paths are the root joined with what is under it: cut the root off instead of normalising both
        // paths again (Path.GetRelativePath) for each of hundreds of thousands of files.
        var relative = fullPath.StartsWith(_rootWithSeparator, StringComparison.Ordinal)
            ? fullPath[_rootWithSeparator.Length..]
            : Path.GetRelativePath(Root, fullPath);
        return Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static void ValidateRelative(string path, bool isPrefix, string paramName)
    {
        // Backslashes are rejected everywhere, not only on Windows, so a key means the same file on every OS.
        if (path.Contains('\\') || path.Contains('\0') || Path.IsPathRooted(path) || path.StartsWith('/'))
            throw new ArgumentException($"Blob path '{path}' must be a relative path with '/' separators.", paramName);

        // Segment by segment over the string itself (no Split: every blob a backup or restore touches passes here).
        var rest = path.AsSpan();
        for (var first = true; ; first = false)
        {
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            // The last segment of a listing prefix is only a name filter ("crates/se" lists "crates/serde/..."),
            // never part of a path, so any text is fine there.
            if (isPrefix && slash < 0) return;
            if (segment is "" or "." or "..")
                throw new ArgumentException($"Blob path '{path}' contains an empty, '.' or '..' segment.", paramName);
            if (first && segment is TempFolderName)
                throw new ArgumentException($"Blob path '{path}' is inside the reserved folder '{TempFolderName}'.", paramName);
            if (slash < 0) return;
            rest = rest[(slash + 1)..];
        }
    }

    // Belt and braces after the segment checks: whatever the OS makes of the path, it must stay under the root.
    private string Contain(string combined, string original)
    {
        var full = Path.GetFullPath(combined);
        if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal) && full != Root)
            throw new ArgumentException($"Blob path '{original}' resolves outside the store root.");
        return full;
    }
}
