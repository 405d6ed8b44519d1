using GhostCrate.Core.Identity;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract class UserTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Created_user_is_found_by_id_and_by_name_in_any_case()
    {
        var created = await Users.CreateAsync("Alice", "hash", isAdmin: true, T0, Ct);

        var expected = new UserRecord(created!.Id, "Alice", "hash", IsAdmin: true, IsDisabled: false, T0);
        Assert.Equal(expected, created);
        Assert.Equal(expected, await Users.FindByIdAsync(created.Id, Ct));
        Assert.Equal(expected, await Users.FindByNameAsync("alice", Ct));
        Assert.Equal(expected, await Users.FindByNameAsync("ALICE", Ct));
    }

    [Fact]
    public async Task Names_are_unique_regardless_of_case()
    {
        Assert.NotNull(await Users.CreateAsync("alice", null, isAdmin: false, T0, Ct));

        Assert.Null(await Users.CreateAsync("ALICE", null, isAdmin: false, T0, Ct));
        Assert.Equal(1, await Users.CountAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_creation_of_one_name_yields_one_user()
    {
        var second = Db.Open();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            (i % 2 == 0 ? Users : second.Users).CreateAsync(i % 3 == 0 ? "Carol" : "carol", null, false, T0, Ct), Ct)));

        Assert.Single(results, r => r is not null);
        Assert.Equal(1, await Users.CountAsync(Ct));
    }

    [Fact]
    public async Task Missing_users_are_null()
    {
        Assert.Null(await Users.FindByNameAsync("nobody", Ct));
        Assert.Null(await Users.FindByIdAsync(424242, Ct));
    }

    [Fact]
    public async Task Password_hash_can_be_changed()
    {
        var user = (await Users.CreateAsync("alice", null, isAdmin: false, T0, Ct))!;

        await Users.SetPasswordHashAsync(user.Id, "new-hash", Ct);

        Assert.Equal("new-hash", (await Users.FindByIdAsync(user.Id, Ct))!.PasswordHash);
    }

    [Fact]
    public async Task Count_counts_users()
    {
        Assert.Equal(0, await Users.CountAsync(Ct));
        await CreateUserAsync("a");
        await CreateUserAsync("b");
        Assert.Equal(2, await Users.CountAsync(Ct));
    }
}

public sealed class SqliteUserTests(SqliteLane lane) : UserTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresUserTests(PostgresLane lane) : UserTests(lane), IClassFixture<PostgresLane>;
