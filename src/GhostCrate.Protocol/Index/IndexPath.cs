using System.Diagnostics.CodeAnalysis;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Protocol.Index;

/// <summary>
/// Where a crate's file lives in the index
/// (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files).
/// The sparse protocol always requests lowercase paths.
/// </summary>
public static class IndexPath
{
    /// <summary>The relative path of a crate's index file, e.g. `se/rd/serde`, `3/s/syn`, `1/a`.</summary>
    /// <exception cref="ArgumentException">The name contains characters no crate name can have (would not be a safe path).</exception>
    public static string ForCrate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        // Guarding here keeps `..`, '/' and the like out of storage keys even if a caller forgot to validate.
        if (!name.All(CrateName.IsNameChar))
            throw new ArgumentException($"`{name}` is not a crate name", nameof(name));

        var n = name.ToLowerInvariant();
        return n.Length switch
        {
            1 => $"1/{n}",
            2 => $"2/{n}",
            3 => $"3/{n[0]}/{n}",
            _ => $"{n[..2]}/{n[2..4]}/{n}",
        };
    }

    /// <summary>
    /// Recognises exactly the paths <see cref="ForCrate"/> produces. Anything else (uppercase, `..`,
    /// extra or mismatched prefix directories, a leading '/') is rejected so a request path can be
    /// turned into a crate name without ever reaching storage with attacker-chosen segments.
    /// </summary>
    public static bool TryParse(string relativePath, [NotNullWhen(true)] out string? crateName)
    {
        crateName = null;
        if (string.IsNullOrEmpty(relativePath)) return false;

        var lastSlash = relativePath.LastIndexOf('/');
        if (lastSlash < 0) return false;
        var name = relativePath[(lastSlash + 1)..];
        if (!IsLowercaseName(name)) return false;
        if (!string.Equals(ForCrate(name), relativePath, StringComparison.Ordinal)) return false;

        crateName = name;
        return true;
    }

    private static bool IsLowercaseName(string name) =>
        name.Length is > 0 and <= CrateName.MaxLength
        && char.IsAsciiLetterLower(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');
}
