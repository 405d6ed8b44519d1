using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Protocol.Publishing;

/// <summary>The user-facing wording of publish body failures (cargo prints these verbatim).</summary>
internal static class PublishBodyMessages
{
    private const string Hint = "this usually means the upload was interrupted or the client is not cargo; try `cargo publish` again";

    public static PublishBodyResult TruncatedLength(string part) =>
        PublishBodyResult.Failure(PublishBodyErrorKind.Truncated,
            $"the publish request ended before the length of the {part}; {Hint}");

    public static PublishBodyResult TruncatedData(string part, long declared, long received) =>
        PublishBodyResult.Failure(PublishBodyErrorKind.Truncated,
            $"the publish request ended early: the {part} should be {declared} bytes but only {received} arrived; {Hint}");

    public static PublishBodyResult MetadataTooLarge(long declared, long limit)
    {
        var (a, l) = ByteSize.FormatPair(declared, limit);
        return PublishBodyResult.Failure(PublishBodyErrorKind.MetadataTooLarge,
            $"the crate metadata is {a}, larger than this registry's limit of {l}; shorten the description, keywords or feature lists in Cargo.toml");
    }

    public static PublishBodyResult CrateTooLarge(long declared, long limit)
    {
        var (a, l) = ByteSize.FormatPair(declared, limit);
        return PublishBodyResult.Failure(PublishBodyErrorKind.CrateTooLarge,
            $"the crate file is {a}, larger than this registry's limit of {l}; leave large files out with `exclude` in Cargo.toml (check with `cargo package --list`)");
    }

    public static PublishBodyResult TrailingBytes(long? count) =>
        PublishBodyResult.Failure(PublishBodyErrorKind.TrailingBytes, count is { } n
            ? $"the publish request has {n} unexpected bytes after the crate file; {Hint}"
            : $"the publish request has unexpected bytes after the crate file; {Hint}");
}
