using System.Diagnostics.CodeAnalysis;

namespace GhostCrate.Packaging;

/// <summary>Either <see cref="Info"/> (valid) or <see cref="Error"/>.</summary>
public sealed record TarballValidationResult(TarballInfo? Info, TarballError? Error)
{
    [MemberNotNullWhen(true, nameof(Info))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    public static TarballValidationResult Success(TarballInfo info) => new(info, null);

    public static TarballValidationResult Failure(TarballErrorKind kind, string message) => new(null, new TarballError(kind, message));

    public static TarballValidationResult Failure(TarballError error) => new(null, error);
}
