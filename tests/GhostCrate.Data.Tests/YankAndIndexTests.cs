using GhostCrate.Core.Crates;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract class YankAndIndexTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private async Task PublishThreeAsync()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("Foo", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("Foo", "1.1.0", alice.Id));
        await PublishAsync(NewVersion("Foo", "1.2.0", alice.Id));
    }

    [Fact]
    public async Task Index_source_lists_lines_in_publish_order()
    {
        await PublishThreeAsync();

        var source = await Crates.GetIndexSourceAsync("foo", Ct);

        Assert.NotNull(source);
        Assert.Equal("Foo", source.Name);
        Assert.Equal(T0, source.UpdatedAt);
        Assert.Equal(
            [
                new IndexSourceLine("""{"name":"Foo","vers":"1.0.0"}""", false),
                new IndexSourceLine("""{"name":"Foo","vers":"1.1.0"}""", false),
                new IndexSourceLine("""{"name":"Foo","vers":"1.2.0"}""", false),
            ],
            source.Lines);
    }

    [Fact]
    public async Task Unknown_crate_has_no_index_source()
    {
        Assert.Null(await Crates.GetIndexSourceAsync("nope", Ct));
    }

    [Fact]
    public async Task Yanking_the_max_version_moves_max_version_down_and_unyanking_restores_it()
    {
        await PublishThreeAsync();

        Assert.True(await Crates.SetYankedAsync("foo", "1.2.0", true, T0.AddDays(1), Ct));

        var crate = (await Crates.FindAsync("foo", Ct))!;
        Assert.Equal("1.1.0", crate.MaxVersion);
        Assert.Equal(T0.AddDays(1), crate.UpdatedAt);
        var source = (await Crates.GetIndexSourceAsync("foo", Ct))!;
        Assert.Equal([false, false, true], source.Lines.Select(l => l.Yanked));
        Assert.Equal(T0.AddDays(1), source.UpdatedAt);
        Assert.True((await Crates.FindVersionAsync("foo", "1.2.0", Ct))!.Yanked);

        Assert.True(await Crates.SetYankedAsync("foo", "1.2.0", false, T0.AddDays(2), Ct));

        crate = (await Crates.FindAsync("foo", Ct))!;
        Assert.Equal("1.2.0", crate.MaxVersion);
        Assert.Equal(T0.AddDays(2), crate.UpdatedAt);
        Assert.All((await Crates.GetIndexSourceAsync("foo", Ct))!.Lines, l => Assert.False(l.Yanked));
    }

    [Fact]
    public async Task With_every_version_yanked_max_version_is_the_highest_of_all()
    {
        await PublishThreeAsync();

        foreach (var v in new[] { "1.0.0", "1.1.0", "1.2.0" }) Assert.True(await Crates.SetYankedAsync("foo", v, true, T0, Ct));

        Assert.Equal("1.2.0", (await Crates.FindAsync("foo", Ct))!.MaxVersion);
    }

    [Fact]
    public async Task Yanking_is_idempotent()
    {
        await PublishThreeAsync();

        Assert.True(await Crates.SetYankedAsync("foo", "1.0.0", true, T0, Ct));
        Assert.True(await Crates.SetYankedAsync("foo", "1.0.0", true, T0, Ct));

        Assert.True((await Crates.FindVersionAsync("foo", "1.0.0", Ct))!.Yanked);
    }

    [Fact]
    public async Task Yanking_something_missing_returns_false()
    {
        await PublishThreeAsync();

        Assert.False(await Crates.SetYankedAsync("foo", "9.9.9", true, T0.AddDays(1), Ct));
        Assert.False(await Crates.SetYankedAsync("bar", "1.0.0", true, T0.AddDays(1), Ct));
        Assert.Equal(T0, (await Crates.FindAsync("foo", Ct))!.UpdatedAt);
    }

    [Fact]
    public async Task Downloads_count_on_the_version_and_on_the_crate()
    {
        await PublishThreeAsync();
        var v1 = (await Crates.FindVersionAsync("foo", "1.0.0", Ct))!;
        var v2 = (await Crates.FindVersionAsync("foo", "1.1.0", Ct))!;

        await Crates.IncrementDownloadsAsync(v1.Id, Ct);
        await Crates.IncrementDownloadsAsync(v1.Id, Ct);
        await Crates.IncrementDownloadsAsync(v2.Id, Ct);

        Assert.Equal(2, (await Crates.FindVersionAsync("foo", "1.0.0", Ct))!.Downloads);
        Assert.Equal(1, (await Crates.FindVersionAsync("foo", "1.1.0", Ct))!.Downloads);
        Assert.Equal(3, (await Crates.FindAsync("foo", Ct))!.Downloads);
    }

    [Fact]
    public async Task A_batch_of_download_counts_adds_to_versions_and_crates()
    {
        await PublishThreeAsync();
        var v1 = (await Crates.FindVersionAsync("foo", "1.0.0", Ct))!;
        var v3 = (await Crates.FindVersionAsync("foo", "1.2.0", Ct))!;

        await Crates.AddDownloadsAsync([new DownloadCount(v1.Id, 5), new DownloadCount(v3.Id, 2)], Ct);
        await Crates.AddDownloadsAsync([new DownloadCount(v1.Id, 1)], Ct);

        Assert.Equal(6, (await Crates.FindVersionAsync("foo", "1.0.0", Ct))!.Downloads);
        Assert.Equal(2, (await Crates.FindVersionAsync("foo", "1.2.0", Ct))!.Downloads);
        Assert.Equal(8, (await Crates.FindAsync("foo", Ct))!.Downloads);
    }

    [Fact]
    public async Task A_download_lookup_gives_the_version_and_the_crate_spelling()
    {
        await PublishThreeAsync();
        var target = await Crates.FindDownloadAsync("foo", "1.1.0", Ct);
        Assert.NotNull(target);
        Assert.Equal("Foo", target.CrateName);
        Assert.Equal("1.1.0", target.Version);
        Assert.Equal((await Crates.FindVersionAsync("foo", "1.1.0", Ct))!.Id, target.VersionId);
        Assert.Null(await Crates.FindDownloadAsync("foo", "9.9.9", Ct));
        Assert.Null(await Crates.FindDownloadAsync("nope", "1.1.0", Ct));
    }
}

public sealed class SqliteYankAndIndexTests(SqliteLane lane) : YankAndIndexTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresYankAndIndexTests(PostgresLane lane) : YankAndIndexTests(lane), IClassFixture<PostgresLane>;
