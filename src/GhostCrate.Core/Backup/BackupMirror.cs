using System.Text.Json.Serialization;

namespace GhostCrate.Core.Backup;

/// <summary>
/// The offline mirror directory (Mirror:Directory: the crate mirror and the toolchain mirror) in a backup made with
/// `--include-mirror`: every file by its path in the mirror and its SHA-256, every symbolic link with its target, and
/// the file contents stored once each by SHA-256 (<see cref="Objects"/>): the served toolchain tree hard-links the
/// stored archives, and those gigabytes should not be in a backup twice.
/// </summary>
public sealed record BackupMirror(IReadOnlyList<MirrorFileEntry> Files, IReadOnlyList<MirrorLinkEntry> Links, IReadOnlyList<MirrorObjectEntry> Objects)
{
    /// <summary>Where the mirror's file contents are in a backup.</summary>
    public const string ObjectsFolder = "mirror/objects";

    /// <summary>Null when the mirror part is usable; otherwise what is wrong (checked when a manifest is parsed).</summary>
    public string? Problem()
    {
        if (Files is null || Links is null || Objects is null) return "the mirror part is missing required fields";
        var objects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Objects)
        {
            // The SHA-256 becomes a file name: only 64 lowercase hex digits may.
            if (entry.Sha256.Length != 64 || !entry.Sha256.All(char.IsAsciiHexDigitLower)) return $"mirror object '{entry.Sha256}' is not a SHA-256";
            if (!objects.Add(entry.Sha256)) return $"mirror object {entry.Sha256} is listed twice";
        }
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            if (!BackupPaths.IsSafeRelative(file.Path)) return $"mirror file '{file.Path}' is not a safe relative path";
            if (!objects.Contains(file.Sha256)) return $"mirror file {file.Path} has no stored contents ({file.Sha256})";
            if (!paths.Add(file.Path)) return $"mirror path {file.Path} is listed twice";
        }
        foreach (var link in Links)
        {
            if (!BackupPaths.IsSafeRelative(link.Path)) return $"mirror link '{link.Path}' is not a safe relative path";
            if (!link.StaysInside()) return $"mirror link {link.Path} points outside the mirror ({link.Target})";
            if (!paths.Add(link.Path)) return $"mirror path {link.Path} is listed twice";
        }
        return null;
    }
}

/// <summary>A regular file of the mirror: its path below the mirror directory and the SHA-256 of its contents.</summary>
public sealed record MirrorFileEntry(string Path, string Sha256);

/// <summary>A symbolic link of the mirror (`current`, `index`, `meta`): its path and its target, relative to the link's folder.</summary>
public sealed record MirrorLinkEntry(string Path, string Target)
{
    /// <summary>Whether the target, read from the link's folder, stays inside the mirror (a restore must not create a link out of it).</summary>
    public bool StaysInside()
    {
        if (Target.Length == 0 || Target.StartsWith('/') || Target.Contains('\\') || Target.Contains('\0')) return false;
        var depth = Path.Count(c => c == '/');
        foreach (var segment in Target.Split('/'))
        {
            depth += segment switch { ".." => -1, "" or "." => 0, _ => 1 };
            if (depth < 0) return false;
        }
        return true;
    }
}

/// <summary>
/// One distinct file content of the mirror, at <see cref="File"/> in this backup or, when an earlier backup at the
/// same target holds the same bytes, in backup <paramref name="StoredIn"/> (as for blobs).
/// </summary>
public sealed record MirrorObjectEntry(string Sha256, long Size, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StoredIn = null)
{
    [JsonIgnore]
    public string File => FileOf(Sha256);

    public static string FileOf(string sha256) => $"{BackupMirror.ObjectsFolder}/{sha256}";

    public BackupFileEntry AsFile() => new(File, Size, Sha256, StoredIn);
}
