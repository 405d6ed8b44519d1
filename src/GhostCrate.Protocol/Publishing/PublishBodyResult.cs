using System.Diagnostics.CodeAnalysis;

namespace GhostCrate.Protocol.Publishing;

/// <summary>Either the parsed metadata plus the crate bytes, or an <see cref="Error"/>.</summary>
public sealed record PublishBodyResult(PublishMetadata? Metadata, ReadOnlyMemory<byte> CrateFile, PublishBodyError? Error)
{
    [MemberNotNullWhen(true, nameof(Metadata))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static PublishBodyResult Success(PublishMetadata metadata, ReadOnlyMemory<byte> crateFile) => new(metadata, crateFile, null);

    public static PublishBodyResult Failure(PublishBodyErrorKind kind, string message) => new(null, ReadOnlyMemory<byte>.Empty, new PublishBodyError(kind, message));
}
