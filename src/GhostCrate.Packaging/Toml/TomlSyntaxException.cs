namespace GhostCrate.Packaging.Toml;

/// <summary>Thrown inside the parser only; <see cref="TomlReader.Parse"/> turns it into an error result.</summary>
internal sealed class TomlSyntaxException(string message) : Exception(message);
