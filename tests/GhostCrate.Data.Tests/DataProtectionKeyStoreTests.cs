using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>The cookie key ring in the database (data_protection_keys, 0012), on both databases.</summary>
public abstract class DataProtectionKeyStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Elements_come_back_oldest_first_and_a_second_add_of_a_name_changes_nothing()
    {
        var keys = Db.Ports.DataProtectionKeys;
        Assert.Empty(await keys.GetAllAsync(Ct));

        Assert.True(await keys.AddAsync("key-b", "<key id=\"b\" />", T0.AddDays(1), Ct));
        Assert.True(await keys.AddAsync("key-a", "<key id=\"a\" />", T0, Ct));
        Assert.True(await keys.AddAsync("revocation-x", "<revocation />", T0.AddDays(2), Ct));
        // Two nodes importing the same legacy folder: the second insert of a name is refused and keeps the first XML.
        Assert.False(await keys.AddAsync("key-a", "<key id=\"other\" />", T0.AddDays(3), Ct));

        Assert.Equal(["<key id=\"a\" />", "<key id=\"b\" />", "<revocation />"], await keys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task An_oversized_element_is_refused_and_nothing_is_stored()
    {
        var keys = Db.Ports.DataProtectionKeys;
        await Assert.ThrowsAsync<ArgumentException>(() => keys.AddAsync("key-big", "<k>" + new string('x', 70_000) + "</k>", T0, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => keys.AddAsync(new string('n', 201), "<k />", T0, Ct));
        Assert.Empty(await keys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_adds_of_the_same_name_store_it_once()
    {
        var keys = Db.Ports.DataProtectionKeys;
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => keys.AddAsync("key-same", $"<key n=\"{i}\" />", T0, Ct)));
        Assert.Single(results, added => added);
        Assert.Single(await keys.GetAllAsync(Ct));
    }
}

public sealed class SqliteDataProtectionKeyStoreTests(SqliteLane lane) : DataProtectionKeyStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresDataProtectionKeyStoreTests(PostgresLane lane) : DataProtectionKeyStoreTests(lane), IClassFixture<PostgresLane>;
