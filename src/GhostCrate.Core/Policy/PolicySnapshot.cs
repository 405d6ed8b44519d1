using System.Collections.Concurrent;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Options;

namespace GhostCrate.Core.Policy;

/// <summary>
/// What one node knows of the stored policy at one policy epoch: organization thresholds, the allow-list, quarantine
/// exemptions, and the vulnerability advisories (non-withdrawn, non-informational) by canonical package name. Never
/// changed once built, except for <see cref="OwningOrgs"/>, a memo of lookups that are valid for the same epoch
/// (a change of a crate's organization owners moves the epoch).
/// </summary>
internal sealed class PolicySnapshot(
    long epoch,
    IReadOnlyDictionary<long, OrgDownloadPolicy> orgPolicies,
    IReadOnlyDictionary<string, AllowedAdvisory> allowed,
    IReadOnlyDictionary<string, QuarantineExemption> exemptions,
    IReadOnlyDictionary<string, IReadOnlyList<Advisory>> vulnerabilities)
{
    public const int MaxOwnerEntries = 10_000;

    public long Epoch { get; } = epoch;
    public IReadOnlyDictionary<long, OrgDownloadPolicy> OrgPolicies { get; } = orgPolicies;
    public IReadOnlyDictionary<string, AllowedAdvisory> Allowed { get; } = allowed;
    public IReadOnlyDictionary<string, QuarantineExemption> Exemptions { get; } = exemptions;
    public IReadOnlyDictionary<string, IReadOnlyList<Advisory>> Vulnerabilities { get; } = vulnerabilities;
    public ConcurrentDictionary<string, IReadOnlyList<long>> OwningOrgs { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether any download could be refused for an advisory: the registry's setting or an organization's.</summary>
    public bool Blocks(BlockThreshold registry) => registry != BlockThreshold.Off || OrgPolicies.Count > 0;
}
