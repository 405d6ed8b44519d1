using GhostCrate.Core.Index;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.Data.Tests;

/// <summary>
/// index_readers (migration 0033) on both databases: who a write waits for. Lease ends come from the database's clock
/// (Core/Index/IndexReadLease.cs).
/// </summary>
public abstract class IndexReadLeaseStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private IIndexReadLeases Leases => Db.Ports.IndexReadLeases;

    [Fact]
    public async Task A_live_leaseholder_is_behind_until_it_reports_the_change_a_node_never_waits_for_itself_and_values_never_go_back()
    {
        var (a, b) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        await Leases.RenewAsync(b, 5, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(1, await Leases.CountBehindAsync(a, 6, Ct));
        Assert.Equal(0, await Leases.CountBehindAsync(a, 5, Ct));
        Assert.Equal(0, await Leases.CountBehindAsync(b, 6, Ct));

        await Leases.AcknowledgeAsync(b, 7, Ct);
        Assert.Equal(0, await Leases.CountBehindAsync(a, 7, Ct));
        // A late report or a renewal carrying an older value moves nothing back.
        await Leases.AcknowledgeAsync(b, 3, Ct);
        await Leases.RenewAsync(b, 4, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(0, await Leases.CountBehindAsync(a, 7, Ct));
        Assert.Equal(1, await Leases.CountBehindAsync(a, 8, Ct));

        await Leases.ReleaseAsync(b, Ct);
        Assert.Equal(0, await Leases.CountBehindAsync(a, 8, Ct));
    }

    [Fact]
    public async Task A_lapsed_lease_is_waited_for_by_no_one_until_it_is_renewed()
    {
        var (a, b) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        await Leases.RenewAsync(b, 1, TimeSpan.FromMilliseconds(1), Ct);
        await Eventually.TrueAsync(async () => await Leases.CountBehindAsync(a, 2, Ct) == 0, "a lapsed lease still holds writes up", cancellationToken: Ct);
        await Leases.RenewAsync(b, 1, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(1, await Leases.CountBehindAsync(a, 2, Ct));
    }
}

public sealed class SqliteIndexReadLeaseStoreTests(SqliteLane lane) : IndexReadLeaseStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresIndexReadLeaseStoreTests(PostgresLane lane) : IndexReadLeaseStoreTests(lane), IClassFixture<PostgresLane>;
