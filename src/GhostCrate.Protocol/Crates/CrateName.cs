namespace GhostCrate.Protocol.Crates;

/// <summary>
/// Crate name rules as crates.io enforces them when publishing
/// (https://doc.rust-lang.org/cargo/reference/manifest.html#the-name-field,
/// https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish).
/// </summary>
public static class CrateName
{
    public const int MaxLength = 64;

    // Names are echoed back in errors; a hostile 1 MB name must not become a 1 MB error message.
    private const int MaxEchoedLength = 80;

    public static CrateNameCheck Validate(string name, IEnumerable<string>? extraReserved = null)
    {
        if (string.IsNullOrEmpty(name))
            return CrateNameCheck.Invalid("the crate name is empty: set `name` in the `[package]` section of Cargo.toml");

        var shown = Echo(name);
        if (name.Length > MaxLength)
            return CrateNameCheck.Invalid(
                $"invalid crate name `{shown}`: crate names may be at most {MaxLength} characters long (this one has {name.Length}); choose a shorter name");

        if (!char.IsAsciiLetter(name[0]))
            return CrateNameCheck.Invalid(
                $"invalid crate name `{shown}`: crate names must start with an ASCII letter");

        foreach (var c in name)
        {
            if (!IsNameChar(c))
                return CrateNameCheck.Invalid(
                    $"invalid crate name `{shown}`: the character {Describe(c)} is not allowed; use only ASCII letters, digits, `-` and `_`");
        }

        // Reserved names compare canonically so `Proc_Macro` or `COM1` cannot slip past `proc-macro` / `com1`.
        var canonical = Canonicalize(name);
        if (ReservedCrateNames.BuiltIn.Contains(canonical) ||
            (extraReserved?.Any(r => Canonicalize(r) == canonical) ?? false))
            return CrateNameCheck.Invalid(
                $"crate name `{shown}` is reserved on this registry; choose a different name");

        return CrateNameCheck.Valid;
    }

    /// <summary>
    /// The form two names are compared in: crates.io (and cargo's index) treat names that differ only in
    /// case or in '-' versus '_' as the same crate, so `Foo_Bar` and `foo-bar` must not both exist.
    /// </summary>
    public static string Canonicalize(string name) => name.ToLowerInvariant().Replace('_', '-');

    /// <summary>The characters a crate name may contain.</summary>
    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static string Echo(string name) =>
        name.Length <= MaxEchoedLength ? name : name[..MaxEchoedLength] + "…";

    private static string Describe(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"`{c}`";
}
