using GhostCrate.Core.Options;

namespace GhostCrate.Core.Policy;

/// <summary>An organization's threshold for downloads of the crates it owns.</summary>
public sealed record OrgDownloadPolicy(long OrgId, string OrgName, BlockThreshold BlockSeverity, DateTimeOffset UpdatedAt, string? UpdatedBy);

/// <summary>An advisory accepted by an administrator: it blocks nothing until <paramref name="ExpiresAt"/> (exclusive).</summary>
public sealed record AllowedAdvisory(string AdvisoryId, string Reason, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, string? CreatedBy)
{
    public bool IsActive(DateTimeOffset now) => now < ExpiresAt;
}

/// <summary>A proxied crate let through the quarantine of fresh versions until <paramref name="ExpiresAt"/> (exclusive).</summary>
public sealed record QuarantineExemption(string CrateName, string Reason, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, string? CreatedBy)
{
    public bool IsActive(DateTimeOffset now) => now < ExpiresAt;
}

/// <summary>Everything stored that download verdicts rest on, read in one go.</summary>
public sealed record PolicyState(
    IReadOnlyList<OrgDownloadPolicy> OrgPolicies,
    IReadOnlyList<AllowedAdvisory> Allowed,
    IReadOnlyList<QuarantineExemption> Exemptions);
