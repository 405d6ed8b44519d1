namespace GhostCrate.Protocol.Versioning;

/// <summary>Operators of a Cargo version requirement (https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html).</summary>
public enum ComparatorOp
{
    Exact,
    Greater,
    GreaterEq,
    Less,
    LessEq,
    Tilde,
    Caret,
    /// <summary>`1.*` / `1.2.*` written without an operator: same as <see cref="Exact"/> on the given parts.</summary>
    Wildcard,
}
