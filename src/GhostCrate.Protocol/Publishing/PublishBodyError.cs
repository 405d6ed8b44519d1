namespace GhostCrate.Protocol.Publishing;

/// <summary>Why a publish body was refused; <see cref="Message"/> is shown by cargo to the publisher.</summary>
public sealed record PublishBodyError(PublishBodyErrorKind Kind, string Message);
