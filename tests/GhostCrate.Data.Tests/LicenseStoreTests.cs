using GhostCrate.Core.Licenses;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>Version licences stored by the publish transaction, organizations' policies, and the report's rows, on both databases.</summary>
public abstract class LicenseStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private ILicenseRepository Licenses => Db.Ports.Licenses;

    private static VersionLicense Parsed(string expression) => VersionLicense.Of(LicenseExpressionParser.Parse(expression).Expression!);

    [Fact]
    public async Task Publish_stores_the_licence_with_the_version_and_the_report_reads_it()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("dual", "1.0.0", alice.Id) with { License = "MIT/Apache-2.0", LicenseInfo = Parsed("MIT/Apache-2.0") });
        await PublishAsync(NewVersion("gnu", "1.0.0", alice.Id) with { License = "GPL-3.0+", LicenseInfo = Parsed("GPL-3.0+") });
        await PublishAsync(NewVersion("own", "0.1.0", alice.Id) with { License = null, LicenseInfo = VersionLicense.Of(null) });
        // A version published before licences were stored (no row): returned with what it declared.
        await PublishAsync(NewVersion("old", "0.9.0", alice.Id) with { License = "Apache-2.0" });

        var rows = (await Licenses.ListVersionsAsync(null, Ct)).ToDictionary(r => r.Crate);

        Assert.Equal(["dual", "gnu", "old", "own"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("MIT OR Apache-2.0", "MIT Apache-2.0", false, true), (rows["dual"].Expression, string.Join(' ', rows["dual"].LicenseIds), rows["dual"].Custom, rows["dual"].Stored));
        Assert.Equal(("GPL-3.0-or-later", "GPL-3.0+"), (rows["gnu"].Expression, rows["gnu"].DeclaredLicense));
        Assert.Equal((null, true, true), (rows["own"].Expression, rows["own"].Custom, rows["own"].Stored));
        Assert.Empty(rows["own"].LicenseIds);
        Assert.Equal((false, "Apache-2.0"), (rows["old"].Stored, rows["old"].DeclaredLicense));
        Assert.All(rows.Values, r => Assert.Equal("private", r.Source));

        // Narrowed by one licence: rows naming it, and the unstored ones (Core parses those), never the others.
        var narrowed = (await Licenses.ListVersionsAsync("Apache-2.0", Ct)).Select(r => r.Crate).Order(StringComparer.Ordinal);
        Assert.Equal(["dual", "old"], narrowed);
        var gnu = (await Licenses.ListVersionsAsync("GPL-3.0-or-later", Ct)).Select(r => r.Crate).Order(StringComparer.Ordinal);
        Assert.Equal(["gnu", "old"], gnu);
    }

    [Fact]
    public async Task Proxied_files_are_listed_and_licences_read_from_foreign_crates_are_kept_and_replaced_per_file()
    {
        await Db.Ports.ProxyCache.RecordCrateFileAsync("crates-io", "serde", "1.0.0", 500, new string('b', 64), T0, Ct);
        await Db.Ports.ProxyCache.RecordCrateFileAsync("internal", "my_tool", "0.1.0", 70, new string('c', 64), T0, Ct);

        Assert.Equal(
            [new ForeignCrateFile("proxy:crates-io", "serde", "1.0.0", new string('b', 64)), new ForeignCrateFile("proxy:internal", "my_tool", "0.1.0", new string('c', 64))],
            await Licenses.ListProxiedFilesAsync(Ct));
        Assert.Empty(await Licenses.ListForeignLicensesAsync(Ct));

        await Licenses.RecordForeignLicenseAsync(new ForeignLicense("proxy:crates-io", "serde", "1.0.0", new string('b', 64), "MIT OR Apache-2.0"), Ct);
        await Licenses.RecordForeignLicenseAsync(new ForeignLicense("mirror", "serde", "1.0.0", new string('b', 64), null), Ct);
        // Two nodes reading the same file write the same row; a different file for the version replaces it.
        await Licenses.RecordForeignLicenseAsync(new ForeignLicense("proxy:crates-io", "serde", "1.0.0", new string('b', 64), "MIT OR Apache-2.0"), Ct);
        await Licenses.RecordForeignLicenseAsync(new ForeignLicense("mirror", "serde", "1.0.0", new string('d', 64), "MIT"), Ct);

        Assert.Equal(
            [new ForeignLicense("mirror", "serde", "1.0.0", new string('d', 64), "MIT"), new ForeignLicense("proxy:crates-io", "serde", "1.0.0", new string('b', 64), "MIT OR Apache-2.0")],
            (await Licenses.ListForeignLicensesAsync(Ct)).OrderBy(l => l.Source, StringComparer.Ordinal));
        // Private versions are not foreign ones.
        Assert.Empty(await Licenses.ListVersionsAsync(null, Ct));
    }

    [Fact]
    public async Task A_refused_publish_stores_no_licence_row()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("dup", "1.0.0", alice.Id) with { LicenseInfo = Parsed("MIT") });
        var again = await PublishAsync(NewVersion("dup", "1.0.0", alice.Id) with { License = "Apache-2.0", LicenseInfo = Parsed("Apache-2.0") });

        Assert.Equal(Core.Crates.PublishWriteStatus.VersionExists, again.Status);
        var row = Assert.Single(await Licenses.ListVersionsAsync(null, Ct));
        Assert.Equal(["MIT"], row.LicenseIds);
    }

    [Fact]
    public async Task Organization_policies_apply_to_crates_the_organization_or_its_teams_own()
    {
        var alice = await CreateUserAsync("alice");
        var acme = (await Db.Ports.Organizations.CreateAsync("acme", "acme", alice.Id, T0, Ct))!;
        var globex = (await Db.Ports.Organizations.CreateAsync("globex", "globex", alice.Id, T0, Ct))!;
        var team = (await Db.Ports.Organizations.CreateTeamAsync(globex.Id, "core", "core", T0, Ct))!;
        await PublishAsync(NewVersion("shared", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("lonely", "1.0.0", alice.Id));
        var shared = (await Crates.FindAsync("shared", Ct))!;
        var lonely = (await Crates.FindAsync("lonely", Ct))!;
        await Db.Ports.CrateGroupOwners.AddOrgAsync(shared.Id, acme.Id, T0, Ct);
        await Db.Ports.CrateGroupOwners.AddTeamAsync(shared.Id, team.Id, T0, Ct);

        Assert.Null(await Licenses.GetOrgPolicyAsync(acme.Id, Ct));
        await Licenses.SetOrgPolicyAsync(acme.Id, new OrgLicensePolicy(LicensePolicyMode.Refuse, [], ["GPL-*"], true, T0, null), alice.Id, Ct);
        await Licenses.SetOrgPolicyAsync(globex.Id, new OrgLicensePolicy(LicensePolicyMode.Warn, ["MIT"], [], false, T0, null), alice.Id, Ct);
        // Replacing keeps one row per organization.
        await Licenses.SetOrgPolicyAsync(acme.Id, new OrgLicensePolicy(LicensePolicyMode.Refuse, ["MIT", "Apache-2.0"], ["GPL-*", "AGPL-*"], true, T0.AddHours(1), null), alice.Id, Ct);

        var stored = (await Licenses.GetOrgPolicyAsync(acme.Id, Ct))!;
        Assert.Equal((LicensePolicyMode.Refuse, "MIT Apache-2.0", "GPL-* AGPL-*", true, T0.AddHours(1), "alice"),
            (stored.Mode, string.Join(' ', stored.Allow), string.Join(' ', stored.Deny), stored.AllowCustom, stored.UpdatedAt, stored.UpdatedBy));

        var applied = await Licenses.ListPoliciesForCrateAsync(shared.Id, Ct);
        Assert.Equal(["acme", "globex"], applied.Select(p => p.OrgName));
        Assert.Equal((LicensePolicyMode.Warn, false), (applied[1].Policy.Mode, applied[1].Policy.AllowCustom));
        Assert.Empty(await Licenses.ListPoliciesForCrateAsync(lonely.Id, Ct));

        Assert.True(await Licenses.DeleteOrgPolicyAsync(acme.Id, Ct));
        Assert.False(await Licenses.DeleteOrgPolicyAsync(acme.Id, Ct));
        Assert.Equal(["globex"], (await Licenses.ListPoliciesForCrateAsync(shared.Id, Ct)).Select(p => p.OrgName));

        // Deleting the organization deletes its policy.
        await Db.Ports.Organizations.DeleteAsync(globex.Id, Ct);
        Assert.Null(await Licenses.GetOrgPolicyAsync(globex.Id, Ct));
    }
}

public sealed class SqliteLicenseStoreTests(SqliteLane lane) : LicenseStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresLicenseStoreTests(PostgresLane lane) : LicenseStoreTests(lane), IClassFixture<PostgresLane>;
