namespace GhostCrate.Core.Options;

/// <summary>
/// Section Policy: which downloads the registry refuses because of security advisories (docs/security.md#policy).
/// Off by default. Organizations can set a stricter threshold for the crates they own (stored, not configured).
/// </summary>
public sealed class PolicyOptions
{
    public const string Section = "Policy";

    /// <summary>
    /// Versions of private, proxied and mirrored crates with a non-withdrawn vulnerability advisory of at least this
    /// severity are refused at download: Off, None (every vulnerability), Low, Medium, High, Critical.
    /// Informational advisories (unmaintained, unsound, notice) never block.
    /// </summary>
    public BlockThreshold BlockSeverity { get; set; } = BlockThreshold.Off;

    /// <summary>
    /// The severity an advisory without a CVSS vector counts as (v3.x and v4.0 vectors are scored). Critical by
    /// default: a missing score does not make a vulnerability harmless, and cargo-audit fails on every vulnerability
    /// whatever its score; the allow-list is the way to accept one.
    /// </summary>
    public BlockThreshold UnscoredAs { get; set; } = BlockThreshold.Critical;

    public static IEnumerable<string> Validate(PolicyOptions options)
    {
        if (!Enum.IsDefined(options.BlockSeverity)) yield return $"{Section}:BlockSeverity must be one of Off, None, Low, Medium, High, Critical (got '{options.BlockSeverity}')";
        if (!Enum.IsDefined(options.UnscoredAs) || options.UnscoredAs == BlockThreshold.Off)
            yield return $"{Section}:UnscoredAs must be one of None, Low, Medium, High, Critical (got '{options.UnscoredAs}')";
    }
}

/// <summary>
/// A blocking threshold. The numbers are those of Advisories.AdvisorySeverity, so an advisory blocks when its
/// severity's number is at least the threshold's (the bands of CVSS v3.1 §5 and v4.0 §6).
/// </summary>
public enum BlockThreshold
{
    Off = 0,
    None = 1,
    Low = 2,
    Medium = 3,
    High = 4,
    Critical = 5,
}
