namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// One crate's index file as the upstream has it now. <see cref="Content"/> is null when the upstream no longer has the
/// file (deleted from a git index); <see cref="Error"/> is set when it could not be fetched this run.
/// </summary>
public sealed record UpstreamIndexFile(string Name, byte[]? Content, string? Error = null);
