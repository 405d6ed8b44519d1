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
        Span<char> directories = stackalloc char[MaxDirectoriesLength];
        return string.Concat(directories[..WriteDirectories(n, directories)], "/", n);
    }

    private const int MaxDirectoriesLength = 5; // `se/rd`

    /// <summary>The directories before a lowercase name (`se/rd`, `3/s`, `1`): the one layout rule of both directions.</summary>
    private static int WriteDirectories(ReadOnlySpan<char> name, Span<char> into)
    {
        switch (name.Length)
        {
            case 1 or 2:
                into[0] = (char)('0' + name.Length);
                return 1;
            case 3:
                into[0] = '3';
                into[1] = '/';
                into[2] = name[0];
                return 3;
            default:
                name[..2].CopyTo(into);
                into[2] = '/';
                name[2..4].CopyTo(into[3..]);
                return 5;
        }
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

    /// <summary>Whether the directories before the name are the ones <see cref="ForCrate"/> gives it.</summary>
    private static bool IsPrefixFor(ReadOnlySpan<char> name, ReadOnlySpan<char> directories)
    {
        Span<char> expected = stackalloc char[MaxDirectoriesLength];
        return directories.SequenceEqual(expected[..WriteDirectories(name, expected)]);
    }

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
