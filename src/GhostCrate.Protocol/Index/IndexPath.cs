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
    public static bool TryParse(string relativePath, [NotNullWhen(true)] out string? crateName) =>
        TryParse(relativePath.AsSpan(), out crateName);

    /// <summary>
    /// <see cref="TryParse(string, out string?)"/> over a part of a longer string (a request path): nothing but the
    /// name is allocated, as this runs for every index request cargo makes.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> relativePath, [NotNullWhen(true)] out string? crateName)
    {
        crateName = null;
        var lastSlash = relativePath.LastIndexOf('/');
        if (lastSlash < 0) return false;
        var name = relativePath[(lastSlash + 1)..];
        if (!IsLowercaseName(name) || !IsPrefixFor(name, relativePath[..lastSlash])) return false;
        crateName = name.ToString();
        return true;
    }

    /// <summary>Whether the directories before the name are the ones <see cref="ForCrate"/> gives it (`se/rd`, `3/s`, `1`).</summary>
    private static bool IsPrefixFor(ReadOnlySpan<char> name, ReadOnlySpan<char> directories) => name.Length switch
    {
        1 => directories is "1",
        2 => directories is "2",
        3 => directories.Length == 3 && directories[0] == '3' && directories[1] == '/' && directories[2] == name[0],
        _ => directories.Length == 5 && directories[..2].SequenceEqual(name[..2]) && directories[2] == '/' && directories[3..].SequenceEqual(name[2..4]),
    };

    private static bool IsLowercaseName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > CrateName.MaxLength || !char.IsAsciiLetterLower(name[0])) return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_')) return false;
        }
        return true;
    }
}
