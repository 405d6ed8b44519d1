namespace GhostCrate.Core.Policy;

/// <summary>Stored download policy: organization thresholds, the advisory allow-list, quarantine exemptions.</summary>
public interface IPolicyRepository
{
    /// <summary>The policy epoch (migration 0019): moved by triggers whenever anything <see cref="LoadAsync"/> reads changes.</summary>
    Task<long> EpochAsync(CancellationToken cancellationToken);

    Task<PolicyState> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Organizations that own the crate (canonical name), directly or through one of their teams.</summary>
    Task<IReadOnlyList<long>> OwningOrgsAsync(string canonicalName, CancellationToken cancellationToken);

    Task<OrgDownloadPolicy?> FindOrgPolicyAsync(long orgId, CancellationToken cancellationToken);

    Task SetOrgPolicyAsync(OrgDownloadPolicy policy, CancellationToken cancellationToken);

    /// <summary>False when the organization had no policy.</summary>
    Task<bool> RemoveOrgPolicyAsync(long orgId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces the entry.</summary>
    Task SetAllowedAsync(AllowedAdvisory entry, CancellationToken cancellationToken);

    Task<bool> RemoveAllowedAsync(string advisoryId, CancellationToken cancellationToken);

    Task SetExemptionAsync(QuarantineExemption exemption, CancellationToken cancellationToken);

    Task<bool> RemoveExemptionAsync(string crateName, CancellationToken cancellationToken);

    /// <summary>
    /// When this registry first saw the proxied version: the stored time, or <paramref name="now"/> stored now. Two
    /// nodes asking at once agree on one stored value.
    /// </summary>
    Task<DateTimeOffset> FirstSeenAsync(string upstream, string canonicalName, string version, DateTimeOffset now, CancellationToken cancellationToken);
}
