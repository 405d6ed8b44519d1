namespace GhostCrate.Core.Advisories;

/// <summary>An advisory file that does not follow RustSec's format; the message says what is wrong.</summary>
public sealed class AdvisoryFormatException(string message) : Exception(message);
