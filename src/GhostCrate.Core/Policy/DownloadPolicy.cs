using GhostCrate.Core.Advisories;
using GhostCrate.Core.Options;
using GhostCrate.Protocol.Crates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Policy;

/// <summary>
/// Decides whether a download of a version is refused because of a security advisory (docs/security.md#policy): a
/// non-withdrawn vulnerability (informational advisories never block) that affects the version, is not on the
/// allow-list (or its entry expired: evaluated with <see cref="TimeProvider"/> on every call), and whose severity is at
/// least the registry's threshold (Policy:BlockSeverity) or, for a private crate, the threshold of an organization
/// that owns it. One rule for private, proxied and mirrored crates.
/// <para>
/// The stored part of the policy is held per node in a <see cref="PolicySnapshot"/> stamped with the policy epoch
/// (migration 0019; triggers move it on every change of a policy table, of the advisories, of a crate's organization
/// owners). The change feed's <c>policy</c> topic calls <see cref="CatchUpAsync"/>; any write request through this node
/// calls <see cref="Invalidate"/>, so the next check reads the epoch before trusting the snapshot (one cheap read, then
/// the fast path again). So with no policy on, a download costs no database round trip,
/// and with one on, only a private crate with a matching advisory below the registry's threshold costs one lookup of
/// its owning organizations (once per epoch).
/// </para>
/// </summary>
public sealed class DownloadPolicy(
    IPolicyRepository repository,
    IAdvisoryRepository advisories,
    IOptions<PolicyOptions> options,
    TimeProvider time,
    ILogger<DownloadPolicy> logger) : Changes.ILocalWriteFollower
{
    private readonly ParsedAdvisoryCache _parsed = new();
    private readonly SemaphoreSlim _reload = new(1, 1);
    private PolicySnapshot? _snapshot;

    // Invalidate() counts up; a catch-up that began after invalidation N records N as verified. While the two differ,
    // the snapshot may predate a write made through this node, so checks take the path that reads the epoch first.
    private long _invalidations;
    private long _verified;

    /// <summary>
    /// Null when the download may go ahead, else why not. Completes synchronously (no database) when the snapshot is
    /// loaded and no policy blocks anything.
    /// </summary>
    public ValueTask<DownloadRefusal?> CheckAsync(string source, string crateName, string version, CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null && Verified && !snapshot.Blocks(options.Value.BlockSeverity)) return ValueTask.FromResult<DownloadRefusal?>(null);
        return CheckSlowAsync(Verified ? snapshot : null, source, crateName, version, cancellationToken);
    }

    private bool Verified => Volatile.Read(ref _verified) == Volatile.Read(ref _invalidations);

    /// <summary>The current snapshot (loaded on first use; after <see cref="Invalidate"/>, checked against the epoch first).</summary>
    internal async ValueTask<PolicySnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (Verified && Volatile.Read(ref _snapshot) is { } known) return known;
        await CatchUpAsync(cancellationToken);
        return Volatile.Read(ref _snapshot)!;
    }

    /// <summary>Called by the change feed (topic <c>policy</c>): reloads when the stored epoch moved.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var invalidations = Volatile.Read(ref _invalidations);
        var known = Volatile.Read(ref _snapshot);
        if (known is null || await repository.EpochAsync(cancellationToken) != known.Epoch) await ReloadAsync(cancellationToken);
        // Record the newest invalidation this read covers (never go back: a later catch-up may have finished first).
        Caching.AtomicMax.Raise(ref _verified, invalidations);
    }

    /// <summary>
    /// A write went through this node (Web/Http/LocalWriteInvalidation.cs): the next check reads the epoch before it
    /// trusts the snapshot, and a catch-up starts now so that usually it already has. Returns at once.
    /// </summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _invalidations);
        _ = CatchUpQuietlyAsync();
    }

    /// <summary>Reads the stored policy again now (a change made beside the server, such as an in-process advisory sync).</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) => CatchUpAsync(cancellationToken);

    private async Task CatchUpQuietlyAsync()
    {
        try
        {
            await CatchUpAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // The write itself succeeded; the next check (or the change feed) reads the epoch again.
            logger.LogDebug(e, "Catching up with the download policy after a write failed");
        }
    }

    private async Task<PolicySnapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            // The epoch is read first: a change committed during the load moves it past this stamp, and is loaded again.
            var epoch = await repository.EpochAsync(cancellationToken);
            var known = Volatile.Read(ref _snapshot);
            if (known is not null && known.Epoch == epoch) return known;
            var state = await repository.LoadAsync(cancellationToken);
            var texts = await advisories.TextsAsync(null, cancellationToken);
            var vulnerabilities = new Dictionary<string, List<Advisory>>(StringComparer.Ordinal);
            foreach (var text in texts)
            {
                if (_parsed.Parse(text).Advisory is not { IsWithdrawn: false, IsWarning: false } advisory) continue;
                var key = CrateName.Canonicalize(advisory.Package);
                if (!vulnerabilities.TryGetValue(key, out var list)) vulnerabilities[key] = list = [];
                list.Add(advisory);
            }
            var snapshot = new PolicySnapshot(
                epoch,
                state.OrgPolicies.ToDictionary(p => p.OrgId),
                state.Allowed.ToDictionary(a => a.AdvisoryId, StringComparer.Ordinal),
                state.Exemptions.ToDictionary(e => e.CrateName, StringComparer.Ordinal),
                vulnerabilities.ToDictionary(p => p.Key, p => (IReadOnlyList<Advisory>)p.Value, StringComparer.Ordinal));
            Volatile.Write(ref _snapshot, snapshot);
            logger.LogDebug("Download policy loaded at epoch {Epoch}: {Orgs} organization policies, {Allowed} allowed advisories", epoch, snapshot.OrgPolicies.Count, snapshot.Allowed.Count);
            return snapshot;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>The severity an advisory counts as: its CVSS band (v3.x or v4.0), or Policy:UnscoredAs without a vector.</summary>
    public AdvisorySeverity EffectiveSeverity(Advisory advisory) =>
        advisory.Severity == AdvisorySeverity.Unknown ? (AdvisorySeverity)(int)options.Value.UnscoredAs : advisory.Severity;

    private async ValueTask<DownloadRefusal?> CheckSlowAsync(PolicySnapshot? snapshot, string source, string crateName, string version, CancellationToken cancellationToken)
    {
        snapshot ??= await SnapshotAsync(cancellationToken);
        var registry = options.Value.BlockSeverity;
        if (!snapshot.Blocks(registry)) return null;
        var canonical = CrateName.Canonicalize(crateName);
        if (!snapshot.Vulnerabilities.TryGetValue(canonical, out var candidates)) return null;
        var now = time.GetUtcNow();
        var matching = AdvisoryMatcher.Matching(candidates, canonical, version)
            .Where(a => !IsAllowed(snapshot, a, now))
            .ToList();
        if (matching.Count == 0) return null;

        var blocking = new List<(Advisory Advisory, string By)>();
        IReadOnlyList<OrgDownloadPolicy>? owners = null;
        foreach (var advisory in matching)
        {
            var severity = (int)EffectiveSeverity(advisory);
            if (registry != BlockThreshold.Off && severity >= (int)registry)
            {
                blocking.Add((advisory, $"this registry blocks advisories of severity {Name(registry)} and above"));
                continue;
            }
            // Organization policies govern the private crates the organization owns; proxied and mirrored crates have no owner here.
            if (source != VersionSources.Private || snapshot.OrgPolicies.Count == 0) continue;
            owners ??= await OwnerPoliciesAsync(snapshot, canonical, cancellationToken);
            var strictest = owners.Where(p => severity >= (int)p.BlockSeverity).OrderBy(p => p.BlockSeverity).FirstOrDefault();
            if (strictest is not null)
                blocking.Add((advisory, $"organization `{strictest.OrgName}` blocks advisories of severity {Name(strictest.BlockSeverity)} and above"));
        }
        if (blocking.Count == 0) return null;

        var parts = blocking.Select(b =>
        {
            var a = b.Advisory;
            var severity = a.Severity == AdvisorySeverity.Unknown ? $"no CVSS score, counted as {Name(options.Value.UnscoredAs)}" : a.Rating;
            var fix = a.Versions.Patched.Count == 0 ? "no fixed version" : "fixed in " + string.Join(" or ", a.Versions.Patched);
            // Id, severity and fix first: cargo may shorten a long error body, and these are what the reader acts on.
            return $"{a.Id} ({severity}, {fix}; {b.By}): {a.Title}";
        });
        var detail = $"download of `{crateName}@{version}` refused by the security policy: {string.Join("; ", parts)}. " +
            "Upgrade to a fixed version, or ask an administrator to allow the advisory (ghostcrate advisories allow ID --reason R --until DATE)";
        return new DownloadRefusal(detail, [.. blocking.Select(b => b.Advisory.Id)]);
    }

    private async Task<IReadOnlyList<OrgDownloadPolicy>> OwnerPoliciesAsync(PolicySnapshot snapshot, string canonical, CancellationToken cancellationToken)
    {
        if (!snapshot.OwningOrgs.TryGetValue(canonical, out var orgs))
        {
            orgs = await repository.OwningOrgsAsync(canonical, cancellationToken);
            if (snapshot.OwningOrgs.Count >= PolicySnapshot.MaxOwnerEntries) snapshot.OwningOrgs.Clear();
            snapshot.OwningOrgs[canonical] = orgs;
        }
        return [.. orgs.Select(id => snapshot.OrgPolicies.GetValueOrDefault(id)).OfType<OrgDownloadPolicy>()];
    }

    /// <summary>An allow-list entry may name the advisory's id or one of its aliases (a CVE or GHSA id).</summary>
    private static bool IsAllowed(PolicySnapshot snapshot, Advisory advisory, DateTimeOffset now) =>
        (snapshot.Allowed.TryGetValue(advisory.Id, out var entry) && entry.IsActive(now))
        || advisory.Aliases.Any(alias => snapshot.Allowed.TryGetValue(alias, out var aliasEntry) && aliasEntry.IsActive(now));

    internal static string Name(BlockThreshold threshold) => threshold.ToString().ToLowerInvariant();
}
