using GhostCrate.Packaging;
using GhostCrate.Packaging.Content;

namespace GhostCrate.Core.Options;

/// <summary>Section Publishing: what publish looks for in a .crate and what it holds back (docs/security.md "Content flags").</summary>
public sealed class ContentCheckOptions
{
    public const string Section = "Publishing";

    /// <summary>A file in a .crate larger than this is flagged `large_file` (not refused: Registry:MaxUnpackedSizeBytes refuses).</summary>
    public long LargeFileBytes { get; set; } = TarballLimits.DefaultLargeFileBytes;

    /// <summary>
    /// Flag kinds (<see cref="ContentFlagKinds"/>) that hold a new private version until an administrator approves it;
    /// empty (the default): nothing is held.
    /// </summary>
    public List<string> RequireApprovalFor { get; set; } = [];

    /// <summary>Hold a new crate whose name looks like a typosquat until an administrator approves it (else only warn).</summary>
    public bool HoldTyposquats { get; set; }

    public static IEnumerable<string> Validate(ContentCheckOptions options)
    {
        if (options.LargeFileBytes <= 0) yield return $"{Section}:LargeFileBytes must be positive (got {options.LargeFileBytes})";
        foreach (var kind in options.RequireApprovalFor)
        {
            if (!ContentFlagKinds.All.Contains(kind, StringComparer.Ordinal))
                yield return $"{Section}:RequireApprovalFor: '{kind}' is not a content flag kind; use any of {string.Join(", ", ContentFlagKinds.All)}";
        }
    }
}
