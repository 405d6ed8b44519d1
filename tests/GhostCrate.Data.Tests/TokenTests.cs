using GhostCrate.Core.Identity;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract class TokenTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private static string Hash(char c) => new(c, 64);

    [Fact]
    public async Task Created_token_is_found_by_hash_and_listed_for_its_user()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");

        var token = await Tokens.CreateAsync(new NewApiToken(alice.Id, "ci", Hash('a'), T0, T0.AddDays(30), "publish-update yank", "foo bar-*"), Ct);
        var other = await Tokens.CreateAsync(new NewApiToken(alice.Id, "laptop", Hash('b'), T0, null, null, null), Ct);
        await Tokens.CreateAsync(new NewApiToken(bob.Id, "bob", Hash('c'), T0, null, null, null), Ct);

        Assert.Equal(new ApiTokenRecord(token.Id, alice.Id, "ci", Hash('a'), T0, null, T0.AddDays(30), null, "publish-update yank", "foo bar-*"), token);
        Assert.Equal(token, await Tokens.FindByHashAsync(Hash('a'), Ct));
        Assert.Equal([token, other], await Tokens.ListForUserAsync(alice.Id, Ct));
        Assert.Null(await Tokens.FindByHashAsync(Hash('d'), Ct));
    }

    [Fact]
    public async Task Touch_records_the_last_use()
    {
        var alice = await CreateUserAsync("alice");
        var token = await Tokens.CreateAsync(new NewApiToken(alice.Id, "ci", Hash('a'), T0, null, null, null), Ct);

        await Tokens.TouchAsync(token.Id, T0.AddHours(3), Ct);

        Assert.Equal(T0.AddHours(3), (await Tokens.FindByHashAsync(Hash('a'), Ct))!.LastUsedAt);
    }

    [Fact]
    public async Task Revoke_works_once()
    {
        var alice = await CreateUserAsync("alice");
        var token = await Tokens.CreateAsync(new NewApiToken(alice.Id, "ci", Hash('a'), T0, null, null, null), Ct);

        Assert.True(await Tokens.RevokeAsync(token.Id, T0.AddDays(1), Ct));
        Assert.False(await Tokens.RevokeAsync(token.Id, T0.AddDays(2), Ct));
        Assert.False(await Tokens.RevokeAsync(999_999, T0, Ct));

        Assert.Equal(T0.AddDays(1), (await Tokens.FindByHashAsync(Hash('a'), Ct))!.RevokedAt);
    }
}

public sealed class SqliteTokenTests(SqliteLane lane) : TokenTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresTokenTests(PostgresLane lane) : TokenTests(lane), IClassFixture<PostgresLane>;
