namespace GhostCrate.Storage.S3.Backup;

/// <summary>A backup target written as `s3://bucket/prefix` (prefix optional; normalised to empty or ending in '/').</summary>
public sealed record S3BackupTarget(string Bucket, string Prefix)
{
    public const string Scheme = "s3://";

    public static bool IsS3(string target) => target.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses `s3://bucket[/prefix]`; throws <see cref="ArgumentException"/> for anything else.</summary>
    public static S3BackupTarget Parse(string target)
    {
        if (!IsS3(target)) throw new ArgumentException($"'{target}' is not an s3://bucket/prefix target", nameof(target));
        var rest = target[Scheme.Length..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (bucket.Length == 0) throw new ArgumentException($"'{target}' names no bucket", nameof(target));
        // Same rule as storage keys: a '..' or empty segment could leave the prefix once the key is in a URL path.
        if (prefix.Length > 0 && prefix.Split('/').Any(s => s is "" or "." or ".." || s.Contains('\\') || s.Contains('\0')))
            throw new ArgumentException($"'{target}' has an unsafe prefix", nameof(target));
        return new S3BackupTarget(bucket, prefix.Length == 0 ? "" : prefix + "/");
    }

    /// <summary>`s3://bucket/prefix/ID/` split into the location and the backup id (the last segment).</summary>
    public static (S3BackupTarget Location, string Id) ParseBackup(string target)
    {
        var parsed = Parse(target);
        var segments = parsed.Prefix.TrimEnd('/');
        if (segments.Length == 0) throw new ArgumentException($"'{target}' names no backup (expected s3://bucket/prefix/BACKUP-ID)", nameof(target));
        var slash = segments.LastIndexOf('/');
        return slash < 0
            ? (parsed with { Prefix = "" }, segments)
            : (parsed with { Prefix = segments[..(slash + 1)] }, segments[(slash + 1)..]);
    }

    public override string ToString() => $"{Scheme}{Bucket}/{Prefix}";
}
