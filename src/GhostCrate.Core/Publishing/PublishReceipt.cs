namespace GhostCrate.Core.Publishing;

/// <summary>A successful publish. Warnings are shown by cargo after the upload.</summary>
public sealed record PublishReceipt(string Name, string Version, string Checksum, bool CrateCreated, IReadOnlyList<string> Warnings)
{
    /// <summary>Categories cargo sent that are not crates.io slugs (not stored; cargo prints them as a warning).</summary>
    public IReadOnlyList<string> InvalidCategories { get; init; } = [];

    /// <summary>
    /// What the publisher is told when the version is stored but held for approval (docs/security.md "Approval
    /// hold"); null when the version is live.
    /// </summary>
    public string? Held { get; init; }
}
