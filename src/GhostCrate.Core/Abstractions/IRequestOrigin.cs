namespace GhostCrate.Core.Abstractions;

/// <summary>
/// Where the current operation comes from, for the audit log: the client address of the HTTP request, or null for
/// the command line. The web layer implements it from the request; Core never sees HTTP types.
/// </summary>
public interface IRequestOrigin
{
    string? ClientAddress { get; }
}

/// <summary>No request: the CLI and start-up tasks.</summary>
public sealed class NoRequestOrigin : IRequestOrigin
{
    public string? ClientAddress => null;
}
