namespace GhostCrate.Packaging.Toml;

/// <summary>
/// A TOML array. <see cref="IsTableArray"/> marks arrays built by `[[name]]` headers: only those may be
/// appended to by a later header; a literal `name = [...]` is closed.
/// </summary>
internal sealed class TomlArray(bool isTableArray) : List<object>
{
    public bool IsTableArray { get; } = isTableArray;
}
