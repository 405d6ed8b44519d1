namespace GhostCrate.Packaging.Toml;

/// <summary>
/// How a table came to exist. TOML forbids defining a table twice, and which redefinitions count
/// depends on this (https://toml.io/en/v1.0.0#table): a table only implied by `[a.b]` may still get
/// its own `[a]` header, one made by dotted keys or written inline may not.
/// </summary>
internal enum TomlTableOrigin
{
    Implicit,
    Header,
    Dotted,
    Inline,
    ArrayElement,
}
