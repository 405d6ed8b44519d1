namespace GhostCrate.Core.Publishing;

/// <summary>A successful publish. Warnings are shown by cargo after the upload.</summary>
public sealed record PublishReceipt(string Name, string Version, string Checksum, bool CrateCreated, IReadOnlyList<string> Warnings);
