namespace GhostCrate.Packaging.Toml;

/// <summary>
/// A TOML date, time or date-time as text: nothing in a manifest check needs its value, only that the document
/// parses.
/// </summary>
public sealed record TomlDateTime(string Raw);
