namespace GhostCrate.Protocol.Client;

/// <summary>
/// The cache validators an upstream gave us for a file, kept as the raw header strings so they go back byte for byte in
/// If-None-Match / If-Modified-Since (RFC 9110 §13.1). Cargo itself revalidates index files this way
/// (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol).
/// </summary>
public sealed record IndexValidators(string? ETag, string? LastModified)
{
    public static IndexValidators None { get; } = new(null, null);

    public bool IsEmpty => string.IsNullOrEmpty(ETag) && string.IsNullOrEmpty(LastModified);
}
