namespace GhostCrate.Packaging;

/// <summary>Why a .crate was refused; <see cref="Message"/> goes back to the publisher through cargo.</summary>
public sealed record TarballError(TarballErrorKind Kind, string Message);
