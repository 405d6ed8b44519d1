using GhostCrate.Core.Deletion;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>The administrators' list of tombstones (/admin/deleted): newest first, paged, whole-crate deletions marked.</summary>
public abstract class DeletedVersionListTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private IDeletionRepository Deletions => Db.Ports.Deletions;

    private Task<DeletionOutcome?> DeleteAsync(string name, string? version, string? reason, DateTimeOffset at) =>
        Deletions.DeleteAsync(new DeletionRequest(name, version, version, "admin", reason, at), Ct);

    [Fact]
    public async Task Deleted_versions_are_listed_newest_first_with_their_reasons_and_whether_the_crate_is_gone()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Kept", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("Kept", "1.1.0", alice.Id));
        await PublishAsync(NewVersion("Gone", "0.1.0", alice.Id));
        Assert.Empty((await Deletions.ListDeletedAsync(0, 10, Ct)).Items);

        await DeleteAsync("kept", "1.1.0", "leaked a key", T0.AddMinutes(1));
        await DeleteAsync("gone", null, null, T0.AddMinutes(2));

        var (items, total) = await Deletions.ListDeletedAsync(0, 10, Ct);
        Assert.Equal(2, total);
        Assert.Equal(
            [new DeletedVersion("Gone", "0.1.0", "admin", T0.AddMinutes(2), null, true), new DeletedVersion("Kept", "1.1.0", "admin", T0.AddMinutes(1), "leaked a key", false)],
            items);
        var (second, _) = await Deletions.ListDeletedAsync(1, 1, Ct);
        Assert.Equal("Kept", Assert.Single(second).Crate);
    }
}

public sealed class SqliteDeletedVersionListTests(SqliteLane lane) : DeletedVersionListTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresDeletedVersionListTests(PostgresLane lane) : DeletedVersionListTests(lane), IClassFixture<PostgresLane>;
