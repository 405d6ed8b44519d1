using GhostCrate.Core.Advisories;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using GhostCrate.Core.Tests.Advisories;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Policy;

/// <summary>
/// The per-node snapshot of <see cref="DownloadPolicy"/>: with no policy on, a download is answered without touching
/// the stores (and synchronously); a verdict follows the policy epoch, not a clock. The stores themselves are tested
/// on both databases (Data.Tests PolicyStoreTests); here a counting fake shows which calls a download makes.
/// </summary>
public sealed class DownloadPolicyCacheTests
{
    private const string Critical = """
        ```toml
        [advisory]
        id = "RUSTSEC-2021-0003"
        package = "smallvec"
        date = "2021-01-08"
        cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

        [versions]
        patched = [">= 1.6.1"]
        ```

        # Buffer overflow

        A bug.
        """;

    private sealed class CountingPolicyRepository : IPolicyRepository
    {
        public long Epoch;
        public int Calls;
        public List<OrgDownloadPolicy> Orgs { get; } = [];
        public Dictionary<string, IReadOnlyList<long>> Owners { get; } = new(StringComparer.Ordinal);

        public Task<long> EpochAsync(CancellationToken cancellationToken) { Calls++; return Task.FromResult(Epoch); }
        public Task<PolicyState> LoadAsync(CancellationToken cancellationToken) { Calls++; return Task.FromResult(new PolicyState([.. Orgs], [], [])); }
        public Task<IReadOnlyList<long>> OwningOrgsAsync(string canonicalName, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(Owners.GetValueOrDefault(canonicalName) ?? []);
        }
        public Task<OrgDownloadPolicy?> FindOrgPolicyAsync(long orgId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task SetOrgPolicyAsync(OrgDownloadPolicy policy, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> RemoveOrgPolicyAsync(long orgId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task SetAllowedAsync(AllowedAdvisory entry, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> RemoveAllowedAsync(string advisoryId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task SetExemptionAsync(QuarantineExemption exemption, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> RemoveExemptionAsync(string crateName, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<DateTimeOffset> FirstSeenAsync(string upstream, string canonicalName, string version, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static async Task<(DownloadPolicy Policy, CountingPolicyRepository Store)> CreateAsync(BlockThreshold threshold)
    {
        var advisories = new MemoryAdvisoryRepository();
        var service = new AdvisoryService(advisories, NoMirroredCrates.Instance, TimeProvider.System, NullLogger<AdvisoryService>.Instance);
        Assert.Empty((await service.SyncAsync([new AdvisoryFile("crates/smallvec/RUSTSEC-2021-0003.md", Critical)], AdvisoryLimits.Default, CancellationToken.None)).Rejected);
        var store = new CountingPolicyRepository();
        var policy = new DownloadPolicy(store, advisories, Microsoft.Extensions.Options.Options.Create(new PolicyOptions { BlockSeverity = threshold }), TimeProvider.System, NullLogger<DownloadPolicy>.Instance);
        return (policy, store);
    }

    [Fact]
    public async Task A_write_through_this_node_makes_the_next_check_read_the_epoch_instead_of_trusting_the_snapshot()
    {
        var (policy, store) = await CreateAsync(BlockThreshold.Off);
        Assert.Null(await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.0", CancellationToken.None));

        // An organization policy and its ownership are stored (the epoch moves) and the change feed has not told us yet.
        store.Orgs.Add(new OrgDownloadPolicy(7, "acme", BlockThreshold.High, DateTimeOffset.UnixEpoch, "alice"));
        store.Owners["smallvec"] = [7];
        store.Epoch++;
        Assert.Null(await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.0", CancellationToken.None));

        policy.Invalidate();
        var refusal = await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.0", CancellationToken.None);
        Assert.NotNull(refusal);
        Assert.Contains("organization `acme`", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_policy_on_a_download_after_the_first_touches_no_store_and_completes_synchronously()
    {
        var (policy, store) = await CreateAsync(BlockThreshold.Off);
        Assert.Null(await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.0", CancellationToken.None));
        var calls = store.Calls;

        for (var i = 0; i < 100; i++)
        {
            var check = policy.CheckAsync(VersionSources.Proxy("crates-io"), "smallvec", "1.6.0", CancellationToken.None);
            Assert.True(check.IsCompletedSuccessfully);
            Assert.Null(await check);
        }
        Assert.Equal(calls, store.Calls);
    }

    [Fact]
    public async Task A_policy_on_decides_from_the_snapshot_and_a_moved_epoch_is_read_on_catch_up()
    {
        var (policy, store) = await CreateAsync(BlockThreshold.Off);
        store.Orgs.Add(new OrgDownloadPolicy(7, "acme", BlockThreshold.High, DateTimeOffset.UnixEpoch, null));
        store.Owners["smallvec"] = [7];
        // The snapshot predates nothing yet: the first check loads it with the organization policy.
        var refused = await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.0", CancellationToken.None);
        Assert.Contains("organization `acme`", refused!.Detail, StringComparison.Ordinal);
        var calls = store.Calls;
        // Ownership is looked up once per epoch; patched versions and other crates cost nothing.
        Assert.NotNull(await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.0", CancellationToken.None));
        Assert.Null(await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.1", CancellationToken.None));
        Assert.Null(await policy.CheckAsync(VersionSources.Private, "other", "1.0.0", CancellationToken.None));
        // Organization policies govern private crates only.
        Assert.Null(await policy.CheckAsync(VersionSources.Proxy("crates-io"), "smallvec", "1.6.0", CancellationToken.None));
        Assert.Equal(calls, store.Calls);

        // The policy is removed elsewhere: nothing changes here until the epoch moves and the feed calls catch-up.
        store.Orgs.Clear();
        await policy.CatchUpAsync(CancellationToken.None);
        Assert.NotNull(await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.0", CancellationToken.None));
        store.Epoch++;
        await policy.CatchUpAsync(CancellationToken.None);
        Assert.Null(await policy.CheckAsync(VersionSources.Private, "smallvec", "1.6.0", CancellationToken.None));
    }
}
