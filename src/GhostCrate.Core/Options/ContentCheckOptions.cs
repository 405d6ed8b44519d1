using GhostCrate.Core.Holds;
using GhostCrate.Packaging;

namespace GhostCrate.Core.Options;

/// <summary>
/// Section Publishing: what publish looks for in a .crate (docs/security.md "Content flags") and which new private
/// versions wait for an administrator's approval (docs/security.md "Approval hold"; off by default).
/// </summary>
public sealed class ContentCheckOptions
{
    public const string Section = "Publishing";

    /// <summary>A file in a .crate larger than this is flagged `large_file` (not refused: Registry:MaxUnpackedSizeBytes refuses).</summary>
    public long LargeFileBytes { get; set; } = TarballLimits.DefaultLargeFileBytes;

    /// <summary>
    /// Content flags that hold a new version for approval: a comma-separated list of flag names (see
    /// <see cref="HoldRules"/>), e.g. `native-binary,build-script-network`, or `any`. Empty: nothing is held for its content.
    /// </summary>
    public string? RequireApprovalFor { get; set; }

    /// <summary>Whether the first version of a crate whose name resembles another (docs/security.md "Typosquats") is held for approval.</summary>
    public bool HoldTyposquats { get; set; }

    /// <summary>The parsed <see cref="RequireApprovalFor"/> (validated at start-up, so it parses). A method: /admin/config lists properties.</summary>
    public HoldRules ParseHoldRules() => HoldRules.Parse(RequireApprovalFor).Rules;

    public static IEnumerable<string> Validate(ContentCheckOptions options)
    {
        if (options.LargeFileBytes <= 0) yield return $"{Section}:LargeFileBytes must be positive (got {options.LargeFileBytes})";
        foreach (var error in HoldRules.Parse(options.RequireApprovalFor).Errors) yield return $"{Section}:RequireApprovalFor: {error}";
    }
}
