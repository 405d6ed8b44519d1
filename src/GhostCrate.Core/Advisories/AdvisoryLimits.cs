namespace GhostCrate.Core.Advisories;

/// <summary>
/// Limits on advisory input. The database is public data that anyone can send a pull request to, and an
/// administrator may import a tarball from anywhere: bound every size before parsing so a crafted file cannot
/// exhaust memory or the stack. The largest real advisory is about 10 KiB.
/// </summary>
public sealed record AdvisoryLimits
{
    public int MaxFileBytes { get; init; } = 64 * 1024;
    public int MaxTomlDepth { get; init; } = 8;
    public int MaxRanges { get; init; } = 64;
    public int MaxListItems { get; init; } = 256;

    public static AdvisoryLimits Default { get; } = new();
}
