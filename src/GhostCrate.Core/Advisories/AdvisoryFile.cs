namespace GhostCrate.Core.Advisories;

/// <summary>One file of an advisory database export: its path inside the database (for error messages) and its text.</summary>
public sealed record AdvisoryFile(string Path, string Text);
