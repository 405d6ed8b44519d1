namespace GhostCrate.Mirror;

/// <summary>An expected failure of a mirror operation: one line for the operator, no stack trace.</summary>
public class MirrorException(string message) : Exception(message);
