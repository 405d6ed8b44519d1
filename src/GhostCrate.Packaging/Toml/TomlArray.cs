namespace GhostCrate.Packaging.Toml;

/// <summary>
/// A TOML array. <see cref="IsTableArray"/> marks arrays built by `[[name]]` headers (Cargo.lock's `[[package]]`).
/// </summary>
public sealed class TomlArray(bool isTableArray) : List<object>
{
    public bool IsTableArray { get; } = isTableArray;
}
