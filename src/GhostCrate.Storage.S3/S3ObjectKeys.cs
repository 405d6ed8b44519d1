namespace GhostCrate.Storage.S3;

/// <summary>
/// Maps blob paths to object keys under the configured prefix and back. S3 itself does not care about "..", but
/// the SDK puts the key in the URL path, where HTTP stacks and proxies normalise dot segments, so a key such as
/// "../x" could leave the prefix (or the bucket). Keys must therefore be plain relative paths, as on the file system.
/// </summary>
internal sealed class S3ObjectKeys
{
    public S3ObjectKeys(string? prefix)
    {
        var trimmed = (prefix ?? "").Trim().TrimStart('/');
        if (trimmed.Length > 0)
        {
            // "ghostcrate" and "ghostcrate/" both mean the folder: a bare prefix would otherwise glue onto the key
            // ("ghostcratecrates/...") and make listings of one deployment include another's objects.
            if (!trimmed.EndsWith('/')) trimmed += "/";
            Validate(trimmed, isListingPrefix: true, nameof(prefix));
        }
        Prefix = trimmed;
        HealthProbeKey = Prefix + ".ghostcrate-health";
    }

    /// <summary>Either empty or ending with '/'.</summary>
    public string Prefix { get; }

    /// <summary>Written and deleted by the health check; never reported by listings.</summary>
    public string HealthProbeKey { get; }

    public string ToObjectKey(string? path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path, "key");
        Validate(path, isListingPrefix: false, "key");
        return Prefix + path;
    }

    public string ToListingPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0) Validate(prefix, isListingPrefix: true, nameof(prefix));
        return Prefix + prefix;
    }

    public string ToBlobPath(string objectKey) => objectKey[Prefix.Length..];

    private static void Validate(string path, bool isListingPrefix, string paramName)
    {
        if (path.StartsWith('/') || path.Contains('\\') || path.Contains('\0'))
            throw new ArgumentException($"Blob path '{path}' must be a relative path with '/' separators.", paramName);
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            // The last segment of a listing prefix is a name filter (or empty after a trailing '/'), not a path.
            if (isListingPrefix && i == segments.Length - 1) continue;
            if (segments[i] is "" or "." or "..")
                throw new ArgumentException($"Blob path '{path}' contains an empty, '.' or '..' segment.", paramName);
        }
    }
}
