using System.Text.RegularExpressions;

namespace GhostCrate.Mirror.Toolchains.Custom;

/// <summary>
/// The name of an internal toolchain build (`acme-1.95-patched`): a storage path segment, a URL segment and the name
/// `rustup toolchain link` gives it. rustup 1.29 refuses to link a name that reads as an official channel (`stable`,
/// `1.95`, `nightly-2026-01-01`, with or without a host triple) or `none` ("invalid custom toolchain name"), so those
/// are refused here, before anything is stored.
/// </summary>
public static partial class CustomToolchainName
{
    public const string Rule = "2 to 64 characters: lowercase letters, digits, `.`, `_`, `-`, starting with a letter; not an official channel name (stable, beta, nightly and their dated or host forms) nor `none` or `default`";

    /// <summary>Null when usable, else why not.</summary>
    public static string? Check(string name)
    {
        if (!Shape().IsMatch(name)) return $"`{Echo(name)}` is not a custom toolchain name ({Rule})";
        if (Official().IsMatch(name) || name is "none" or "default")
            return $"`{name}` is a name rustup reserves for official channels ({Rule}); choose a name such as `acme-1.95-patched`";
        return null;
    }

    private static string Echo(string name) => name.Length > 80 ? name[..80] + "..." : name;

    [GeneratedRegex(@"^[a-z][a-z0-9._-]{1,63}$")]
    private static partial Regex Shape();

    [GeneratedRegex(@"^(stable|beta|nightly)(-|$)")]
    private static partial Regex Official();
}
