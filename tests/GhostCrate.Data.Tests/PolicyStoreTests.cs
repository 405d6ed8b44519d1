using GhostCrate.Core.Advisories;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using GhostCrate.Data.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Data.Tests;

/// <summary>
/// The download policy's tables (0019) on both databases: organization thresholds with their names, the allow-list,
/// quarantine exemptions, which organizations own a crate (directly or through a team), the first-seen stamp that
/// two writers agree on, and the policy epoch that every change a verdict rests on moves.
/// </summary>
public abstract class PolicyStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private IPolicyRepository Policy => Db.Ports.Policy;

    [Fact]
    public async Task Org_policies_allow_list_and_exemptions_round_trip_and_replace()
    {
        var alice = await CreateUserAsync("alice");
        var org = (await Db.Ports.Organizations.CreateAsync("Acme", "acme", alice.Id, T0, Ct))!;

        Assert.Null(await Policy.FindOrgPolicyAsync(org.Id, Ct));
        await Policy.SetOrgPolicyAsync(new OrgDownloadPolicy(org.Id, "ignored", BlockThreshold.High, T0, "alice"), Ct);
        await Policy.SetOrgPolicyAsync(new OrgDownloadPolicy(org.Id, "ignored", BlockThreshold.Medium, T0.AddMinutes(1), "bob"), Ct);
        Assert.Equal(new OrgDownloadPolicy(org.Id, "Acme", BlockThreshold.Medium, T0.AddMinutes(1), "bob"), await Policy.FindOrgPolicyAsync(org.Id, Ct));

        var allowed = new AllowedAdvisory("RUSTSEC-2021-0003", "not reachable", T0.AddDays(2), T0, "alice");
        await Policy.SetAllowedAsync(allowed with { Reason = "first" }, Ct);
        await Policy.SetAllowedAsync(allowed, Ct);
        var exemption = new QuarantineExemption("serde", "urgent", T0.AddDays(1), T0, null);
        await Policy.SetExemptionAsync(exemption, Ct);

        var state = await Policy.LoadAsync(Ct);
        Assert.Equal([new OrgDownloadPolicy(org.Id, "Acme", BlockThreshold.Medium, T0.AddMinutes(1), "bob")], state.OrgPolicies);
        Assert.Equal([allowed], state.Allowed);
        Assert.Equal([exemption], state.Exemptions);

        Assert.True(await Policy.RemoveOrgPolicyAsync(org.Id, Ct));
        Assert.False(await Policy.RemoveOrgPolicyAsync(org.Id, Ct));
        Assert.True(await Policy.RemoveAllowedAsync("RUSTSEC-2021-0003", Ct));
        Assert.False(await Policy.RemoveAllowedAsync("RUSTSEC-2021-0003", Ct));
        Assert.True(await Policy.RemoveExemptionAsync("serde", Ct));
        var empty = await Policy.LoadAsync(Ct);
        Assert.Empty(empty.OrgPolicies);
        Assert.Empty(empty.Allowed);
        Assert.Empty(empty.Exemptions);
    }

    [Fact]
    public async Task Owning_orgs_come_from_direct_and_team_ownership()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("foo", Ct))!;
        var acme = (await Db.Ports.Organizations.CreateAsync("acme", "acme", alice.Id, T0, Ct))!;
        var beta = (await Db.Ports.Organizations.CreateAsync("beta", "beta", alice.Id, T0, Ct))!;
        var team = (await Db.Ports.Organizations.CreateTeamAsync(beta.Id, "core", "core", T0, Ct))!;

        Assert.Empty(await Policy.OwningOrgsAsync("foo", Ct));
        await Db.Ports.CrateGroupOwners.AddOrgAsync(crate.Id, acme.Id, T0, Ct);
        await Db.Ports.CrateGroupOwners.AddTeamAsync(crate.Id, team.Id, T0, Ct);
        Assert.Equal([acme.Id, beta.Id], (await Policy.OwningOrgsAsync("foo", Ct)).Order());
        Assert.Empty(await Policy.OwningOrgsAsync("bar", Ct));
    }

    [Fact]
    public async Task The_first_seen_stamp_is_written_once_and_every_later_caller_reads_it()
    {
        var first = await Policy.FirstSeenAsync("crates-io", "fresh", "1.0.0", T0, Ct);
        var again = await Policy.FirstSeenAsync("crates-io", "fresh", "1.0.0", T0.AddHours(5), Ct);
        Assert.Equal(T0, first);
        Assert.Equal(T0, again);
        // Concurrent first sightings agree on one value.
        var racers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Policy.FirstSeenAsync("crates-io", "race", "1.0.0", T0.AddSeconds(i), Ct)));
        Assert.Single(racers.Distinct());
        Assert.Equal(T0.AddHours(1), await Policy.FirstSeenAsync("other", "fresh", "1.0.0", T0.AddHours(1), Ct));
    }

    [Fact]
    public async Task Every_change_a_verdict_rests_on_moves_the_policy_epoch()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("foo", Ct))!;
        var org = (await Db.Ports.Organizations.CreateAsync("acme", "acme", alice.Id, T0, Ct))!;
        var team = (await Db.Ports.Organizations.CreateTeamAsync(org.Id, "core", "core", T0, Ct))!;

        async Task MovesAsync(string what, Func<Task> change)
        {
            var before = await Policy.EpochAsync(Ct);
            await change();
            Assert.True(await Policy.EpochAsync(Ct) > before, $"{what} did not move the policy epoch");
        }

        var advisories = new AdvisoryService(Db.Ports.Advisories, NoMirroredCrates.Instance, TimeProvider.System, NullLogger<AdvisoryService>.Instance);
        var file = new AdvisoryFile("crates/foo/RUSTSEC-2021-0001.md", AdvisoryStoreTests.AdvisoryText("RUSTSEC-2021-0001", "foo", "\">= 2.0.0\""));
        await MovesAsync("an advisory sync", async () => Assert.Empty((await advisories.SyncAsync([file], AdvisoryLimits.Default, Ct)).Rejected));
        await MovesAsync("setting an organization policy", () => Policy.SetOrgPolicyAsync(new OrgDownloadPolicy(org.Id, "acme", BlockThreshold.High, T0, null), Ct));
        await MovesAsync("removing an organization policy", () => Policy.RemoveOrgPolicyAsync(org.Id, Ct));
        await MovesAsync("allowing an advisory", () => Policy.SetAllowedAsync(new AllowedAdvisory("RUSTSEC-2021-0001", "r", T0.AddDays(1), T0, null), Ct));
        await MovesAsync("disallowing an advisory", () => Policy.RemoveAllowedAsync("RUSTSEC-2021-0001", Ct));
        await MovesAsync("exempting a crate", () => Policy.SetExemptionAsync(new QuarantineExemption("foo", "r", T0.AddDays(1), T0, null), Ct));
        await MovesAsync("an organization becoming an owner", () => Db.Ports.CrateGroupOwners.AddOrgAsync(crate.Id, org.Id, T0, Ct));
        await MovesAsync("a team becoming an owner", () => Db.Ports.CrateGroupOwners.AddTeamAsync(crate.Id, team.Id, T0, Ct));

        // A repeated sync changes no advisory row, so it leaves the epoch (and every node's snapshot) alone.
        var unchanged = await Policy.EpochAsync(Ct);
        Assert.Empty((await advisories.SyncAsync([file], AdvisoryLimits.Default, Ct)).Rejected);
        Assert.Equal(unchanged, await Policy.EpochAsync(Ct));
    }
}

public sealed class SqlitePolicyStoreTests(SqliteLane lane) : PolicyStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresPolicyStoreTests(PostgresLane lane) : PolicyStoreTests(lane), IClassFixture<PostgresLane>;
