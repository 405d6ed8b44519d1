namespace GhostCrate.Packaging.Toml;

/// <summary>The parsed document, or an error naming the line ("line 3: ...").</summary>
internal sealed record TomlParseResult(TomlTable? Document, string? Error);
