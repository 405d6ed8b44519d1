namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// One crate's index file as the upstream has it now. <see cref="Content"/> is null when the upstream no longer has the
/// file (deleted from a git index); <see cref="Error"/> is set when it could not be fetched this run;
/// <see cref="NotModified"/> when a sparse upstream answered 304 and the content is our own earlier copy.
/// </summary>
public sealed record UpstreamIndexFile(string Name, byte[]? Content, string? Error = null, bool NotModified = false);
