using GhostCrate.Core.Crates;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract class OwnerTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Owners_can_be_added_listed_and_removed()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("Bob");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("foo", Ct))!;

        Assert.True(await Owners.AddAsync(crate.Id, bob.Id, T0.AddMinutes(1), Ct));
        Assert.False(await Owners.AddAsync(crate.Id, bob.Id, T0.AddMinutes(2), Ct));

        Assert.Equal([new OwnerRecord(alice.Id, "alice"), new OwnerRecord(bob.Id, "Bob")], await Owners.ListAsync(crate.Id, Ct));
        Assert.True(await Owners.IsOwnerAsync(crate.Id, bob.Id, Ct));

        Assert.True(await Owners.RemoveAsync(crate.Id, alice.Id, T0, Ct));
        Assert.False(await Owners.RemoveAsync(crate.Id, alice.Id, T0, Ct));

        Assert.Equal([new OwnerRecord(bob.Id, "Bob")], await Owners.ListAsync(crate.Id, Ct));
        Assert.False(await Owners.IsOwnerAsync(crate.Id, alice.Id, Ct));
    }

    [Fact]
    public async Task An_added_owner_may_publish_and_a_removed_one_may_not()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("foo", Ct))!;

        await Owners.AddAsync(crate.Id, bob.Id, T0, Ct);
        Assert.Equal(PublishWriteStatus.Published, (await PublishAsync(NewVersion("foo", "1.1.0", bob.Id))).Status);

        await Owners.RemoveAsync(crate.Id, bob.Id, T0, Ct);
        Assert.Equal(PublishWriteStatus.NotOwner, (await PublishAsync(NewVersion("foo", "1.2.0", bob.Id))).Status);
    }

    [Fact]
    public async Task Unknown_crate_has_no_owners()
    {
        Assert.Empty(await Owners.ListAsync(12345, Ct));
        Assert.False(await Owners.IsOwnerAsync(12345, 1, Ct));
        Assert.False(await Owners.RemoveAsync(12345, 1, T0, Ct));
    }
}

public sealed class SqliteOwnerTests(SqliteLane lane) : OwnerTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresOwnerTests(PostgresLane lane) : OwnerTests(lane), IClassFixture<PostgresLane>;
