using GhostCrate.Core.Advisories;
using GhostCrate.Data.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Data.Tests;

/// <summary>The advisory store and its derived findings, through the real service, on both databases.</summary>
public abstract class AdvisoryStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private IAdvisoryRepository Repository => Db.Ports.Advisories;
    private AdvisoryService Service => new(Repository, NoMirroredCrates.Instance, TimeProvider.System, NullLogger<AdvisoryService>.Instance);

    internal static string AdvisoryText(string id, string package, string patched, string? extra = null, string unaffected = "") => $"""
        ```toml
        [advisory]
        id = "{id}"
        package = "{package}"
        date = "2021-01-08"
        {extra}

        [versions]
        patched = [{patched}]
        unaffected = [{unaffected}]
        ```

        # Title of {id}

        Description of {id}.
        """;

    private static readonly AdvisoryFile Smallvec = new("crates/smallvec/RUSTSEC-2021-0003.md",
        AdvisoryText("RUSTSEC-2021-0003", "smallvec", "\">= 0.6.14, < 1.0.0\", \">= 1.6.1\"", unaffected: "\"< 0.6.3\""));
    private static readonly AdvisoryFile Withdrawn = new("crates/my_crate/RUSTSEC-2020-0001.md",
        AdvisoryText("RUSTSEC-2020-0001", "my_crate", "\">= 2.0.0\"", "withdrawn = \"2020-02-02\""));
    private static readonly AdvisoryFile Unmaintained = new("crates/my_crate/RUSTSEC-2020-0002.md",
        AdvisoryText("RUSTSEC-2020-0002", "my_crate", "", "informational = \"unmaintained\""));

    private Task<AdvisorySyncReport> SyncAsync(params AdvisoryFile[] files) => Service.SyncAsync(files, AdvisoryLimits.Default, Ct);

    [Fact]
    public async Task Sync_flags_private_and_proxied_versions_and_is_idempotent()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("smallvec", "1.6.0", alice.Id));
        await PublishAsync(NewVersion("smallvec", "1.6.1", alice.Id));
        await PublishAsync(NewVersion("my-crate", "1.0.0", alice.Id));
        await Db.Ports.ProxyCache.RecordCrateFileAsync("crates-io", "smallvec", "0.6.13", 10, new string('a', 64), T0, Ct);
        await Db.Ports.ProxyCache.RecordCrateFileAsync("crates-io", "smallvec", "0.6.14", 10, new string('a', 64), T0, Ct);

        var first = await SyncAsync(Smallvec, Withdrawn, Unmaintained);
        Assert.Empty(first.Rejected);
        Assert.Equal((3, 0, 0, 0), (first.Added, first.Updated, first.Removed, first.Unchanged));

        Assert.Equal(
            [
                new AffectedVersion("RUSTSEC-2021-0003", "proxy:crates-io", "smallvec", "0.6.13"),
                new AffectedVersion("RUSTSEC-2021-0003", "private", "smallvec", "1.6.0"),
            ],
            await Repository.AffectedAsync("smallvec", null, Ct));
        // The withdrawn advisory flags nothing; the informational one (no patched versions) flags every version.
        Assert.Equal([new AffectedVersion("RUSTSEC-2020-0002", "private", "my-crate", "1.0.0")], await Repository.AffectedAsync("my-crate", null, Ct));

        var again = await SyncAsync(Smallvec, Withdrawn, Unmaintained);
        Assert.Equal((0, 0, 0, 3), (again.Added, again.Updated, again.Removed, again.Unchanged));
        Assert.Equal(first.AffectedVersions, again.AffectedVersions);
        Assert.Equal(3, await Db.CountRowsAsync("advisory_affected_versions", Ct));
    }

    /// <summary>
    /// CVSS 4.0 vectors were stored with severity 0 (unknown) before they were scored: the next sync of the same text
    /// rewrites the stored severity (high = 4) and counts the advisory as updated, then as unchanged again.
    /// </summary>
    [Fact]
    public async Task A_resync_rewrites_a_stored_severity_that_the_scorer_now_computes_differently()
    {
        var quinn = new AdvisoryFile("crates/quinn-proto/RUSTSEC-2026-0037.md", AdvisoryText("RUSTSEC-2026-0037", "quinn-proto", "\">= 0.11.14\"",
            "cvss = \"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N\""));
        Assert.Empty((await SyncAsync(quinn)).Rejected);
        Assert.Equal(1, await Db.CountRowsAsync("advisories WHERE severity = 4", Ct));
        Assert.Equal(1, await Db.ExecuteAsync("UPDATE advisories SET severity = 0", Ct));

        var rescored = await SyncAsync(quinn);
        Assert.Equal((0, 1, 0, 0), (rescored.Added, rescored.Updated, rescored.Removed, rescored.Unchanged));
        Assert.Equal(1, await Db.CountRowsAsync("advisories WHERE severity = 4", Ct));
        var again = await SyncAsync(quinn);
        Assert.Equal((0, 0, 0, 1), (again.Added, again.Updated, again.Removed, again.Unchanged));
    }

    [Fact]
    public async Task Removed_and_changed_advisories_update_their_findings()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("smallvec", "1.6.0", alice.Id));
        await PublishAsync(NewVersion("my-crate", "1.0.0", alice.Id));
        await SyncAsync(Smallvec, Unmaintained);
        Assert.Single(await Repository.AffectedAsync("my-crate", "1.0.0", Ct));

        // The unmaintained advisory is gone from the database; smallvec's now says 1.6.0 is patched.
        var changed = Smallvec with { Text = AdvisoryText("RUSTSEC-2021-0003", "smallvec", "\">= 1.6.0\"") };
        var report = await SyncAsync(changed);
        Assert.Equal((0, 1, 1, 0), (report.Added, report.Updated, report.Removed, report.Unchanged));
        Assert.Empty(await Repository.AffectedAsync("my-crate", null, Ct));
        Assert.Empty(await Repository.AffectedAsync("smallvec", null, Ct));
        Assert.Equal(1, await Db.CountRowsAsync("advisories", Ct));
    }

    [Fact]
    public async Task A_bad_file_or_an_empty_import_changes_nothing()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("smallvec", "1.6.0", alice.Id));
        await SyncAsync(Smallvec);

        var bad = await SyncAsync(Unmaintained, new AdvisoryFile("crates/x/RUSTSEC-2099-0001.md", "```toml\n[advisory\n```\n"));
        Assert.Single(bad.Rejected);
        Assert.Contains("crates/x/RUSTSEC-2099-0001.md", bad.Rejected[0], StringComparison.Ordinal);

        var empty = await SyncAsync();
        Assert.Single(empty.Rejected);

        Assert.Equal(1, await Db.CountRowsAsync("advisories", Ct));
        Assert.Single(await Repository.AffectedAsync("smallvec", "1.6.0", Ct));
    }

    [Fact]
    public async Task A_publish_after_the_sync_is_flagged_by_the_stored_hook()
    {
        var alice = await CreateUserAsync("alice");
        await SyncAsync(Smallvec);
        await PublishAsync(NewVersion("smallvec", "1.5.0", alice.Id));
        Assert.Empty(await Repository.AffectedAsync("smallvec", null, Ct));

        await Service.OnVersionStoredAsync("smallvec", Ct);

        Assert.Equal([new AffectedVersion("RUSTSEC-2021-0003", "private", "smallvec", "1.5.0")], await Repository.AffectedAsync("smallvec", null, Ct));
        var advisories = await Service.ForVersionAsync("smallvec", "1.5.0", Ct);
        Assert.Equal("Title of RUSTSEC-2021-0003", Assert.Single(advisories).Title);
        Assert.Empty(await Service.ForVersionAsync("smallvec", "1.6.1", Ct));
    }

    [Fact]
    public async Task Two_nodes_syncing_at_once_leave_one_consistent_set()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("smallvec", "1.6.0", alice.Id));
        var other = new AdvisoryService(Db.Open().Advisories, NoMirroredCrates.Instance, TimeProvider.System, NullLogger<AdvisoryService>.Instance);

        var reports = await Task.WhenAll(SyncAsync(Smallvec, Unmaintained), other.SyncAsync([Smallvec, Unmaintained], AdvisoryLimits.Default, Ct));

        Assert.All(reports, r => Assert.Empty(r.Rejected));
        Assert.Equal(2, reports.Sum(r => r.Added));
        Assert.Equal(2, await Db.CountRowsAsync("advisories", Ct));
        Assert.Single(await Repository.AffectedAsync("smallvec", null, Ct));
    }
}

public sealed class SqliteAdvisoryStoreTests(SqliteLane lane) : AdvisoryStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresAdvisoryStoreTests(PostgresLane lane) : AdvisoryStoreTests(lane), IClassFixture<PostgresLane>;
