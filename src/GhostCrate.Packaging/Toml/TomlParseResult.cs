namespace GhostCrate.Packaging.Toml;

/// <summary>The parsed document, or an error naming the line ("line 3: ...").</summary>
public sealed record TomlParseResult(TomlTable? Document, string? Error);
