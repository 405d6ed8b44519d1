namespace GhostCrate.Packaging.Toml;

/// <summary>
/// Entry point of the TOML reader used on the normalized Cargo.toml inside a .crate.
/// Untrusted input: malformed documents produce an error result, never an exception.
/// </summary>
internal static class TomlReader
{
    public static TomlParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return new TomlParseResult(new TomlParser(text).ParseDocument(), null);
        }
        catch (TomlSyntaxException ex)
        {
            return new TomlParseResult(null, ex.Message);
        }
    }
}
