namespace GhostCrate.Protocol.Publishing;

public enum PublishBodyErrorKind
{
    /// <summary>The body ended before a declared length was satisfied.</summary>
    Truncated,
    MetadataTooLarge,
    CrateTooLarge,
    InvalidJson,
    /// <summary>Bytes follow the crate file; the format has nothing after it.</summary>
    TrailingBytes,
    /// <summary>The metadata lacks a field the registry cannot do without (name, vers, a dependency's name or req).</summary>
    MissingField,
}
