namespace GhostCrate.Web.Ui.Readme;

/// <summary>
/// Decides what a URL from a README may become. Browsers drop ASCII tab/newline inside URLs and ignore leading
/// control characters and spaces, so `jav&#x09;ascript:` is still `javascript:`: the scheme is read the same way here.
/// </summary>
public static class UrlPolicy
{
    public enum Kind
    {
        /// <summary>Not allowed (javascript:, data:, vbscript:, unknown schemes): drop it.</summary>
        Rejected,
        /// <summary>http(s) or mailto, or protocol-relative: keep it.</summary>
        Absolute,
        /// <summary>#fragment inside the README.</summary>
        Fragment,
        /// <summary>A path relative to the README: rewrite it against the repository, or drop it.</summary>
        Relative,
    }

    public static (Kind Kind, string Url) Classify(string? raw, bool allowMailto)
    {
        if (raw is null) return (Kind.Rejected, "");
        // WHATWG URL parsing: strip leading/trailing C0 controls and spaces, remove every tab and newline.
        var url = new string(raw.Trim('\0', ' ', '\t', '\n', '\r', '\f', '\u000B').Where(c => c is not ('\t' or '\n' or '\r')).ToArray());
        if (url.Any(char.IsControl)) return (Kind.Rejected, "");
        if (url.Length == 0) return (Kind.Rejected, "");
        if (url.StartsWith('#')) return (Kind.Fragment, url);
        if (url.StartsWith("//", StringComparison.Ordinal)) return (Kind.Absolute, "https:" + url);
        if (url.StartsWith('\\')) return (Kind.Rejected, "");
        var colon = url.IndexOf(':');
        var firstDelimiter = url.IndexOfAny(['/', '?', '#']);
        var hasScheme = colon > 0 && (firstDelimiter < 0 || colon < firstDelimiter);
        if (!hasScheme) return (Kind.Relative, url);
        var scheme = url[..colon].ToLowerInvariant();
        if (scheme is "http" or "https") return Uri.TryCreate(url, UriKind.Absolute, out _) ? (Kind.Absolute, url) : (Kind.Rejected, "");
        if (scheme == "mailto" && allowMailto) return (Kind.Absolute, url);
        return (Kind.Rejected, "");
    }

    /// <summary>
    /// A README-relative URL as a path from the repository's root plus its ?query/#fragment, or null when it climbs
    /// out of the repository. A leading / is the repository's root, as on GitHub.
    /// </summary>
    public static (string Path, string Suffix)? ResolvePath(string readmeDirectory, string relative)
    {
        var path = relative;
        var suffixAt = path.IndexOfAny(['?', '#']);
        var suffix = suffixAt >= 0 ? path[suffixAt..] : "";
        if (suffixAt >= 0) path = path[..suffixAt];
        var segments = new List<string>();
        var start = path.StartsWith('/') ? "" : readmeDirectory;
        foreach (var segment in (start + "/" + path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".") continue;
            if (segment == "..")
            {
                if (segments.Count == 0) return null;
                segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        return (string.Join('/', segments), suffix);
    }
}
