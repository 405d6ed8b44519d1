using Dapper;
using GhostCrate.Core.Options;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Migrations;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract class SearchTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private long _userId;

    protected async Task CrateAsync(string name, string searchText, int downloads = 0)
    {
        if (_userId == 0) _userId = (await CreateUserAsync("alice")).Id;
        await PublishAsync(NewVersion(name, "1.0.0", _userId, searchText: searchText));
        var version = (await Crates.FindVersionAsync(name.ToLowerInvariant().Replace('_', '-'), "1.0.0", Ct))!;
        for (var i = 0; i < downloads; i++) await Crates.IncrementDownloadsAsync(version.Id, Ct);
    }

    [Fact]
    public async Task Exact_name_comes_first_then_downloads_then_name()
    {
        await CrateAsync("serde", "serde serialization framework", downloads: 1);
        await CrateAsync("serde_json", "serde_json json for serde", downloads: 5);
        await CrateAsync("serde_yaml", "serde_yaml yaml for serde", downloads: 5);
        await CrateAsync("serde_derive", "serde_derive derive macros for serde", downloads: 9);
        await CrateAsync("toml", "toml parser");

        var page = await Crates.SearchAsync("serde", 0, 10, Ct);

        Assert.Equal(4, page.Total);
        Assert.Equal(["serde", "serde_derive", "serde_json", "serde_yaml"], page.Crates.Select(c => c.Name));
        Assert.Equal("1.0.0", page.Crates[0].MaxVersion);
        Assert.Equal(1, page.Crates[0].Downloads);
        Assert.Equal(T0, page.Crates[0].UpdatedAt);
    }

    [Fact]
    public async Task Exact_match_ignores_dash_underscore_and_case()
    {
        await CrateAsync("foo-bar", "foo-bar the crate");
        await CrateAsync("foo_bar_ext", "foo_bar_ext extends foo_bar and foo-bar", downloads: 3);

        Assert.Equal("foo-bar", (await Crates.SearchAsync("FOO_BAR", 0, 10, Ct)).Crates[0].Name);
    }

    [Fact]
    public async Task Query_is_case_insensitive()
    {
        await CrateAsync("Tokio", "tokio async runtime");

        var page = await Crates.SearchAsync("ASYNC Runtime", 0, 10, Ct);

        Assert.Equal("Tokio", Assert.Single(page.Crates).Name);
    }

    [Fact]
    public async Task Like_wildcards_in_the_query_match_literally()
    {
        await CrateAsync("under", "a_b");
        await CrateAsync("other", "axb");
        await CrateAsync("percent", "100% safe");
        await CrateAsync("plain", "100 safe");
        await CrateAsync("slash", @"back\slash");

        // '_' separates words (like '-' and a space), so "a_b" asks for "a" and "b": not a LIKE wildcard either way.
        Assert.Equal(["other", "slash", "under"], (await Crates.SearchAsync("a_b", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["percent"], (await Crates.SearchAsync("0%", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["slash"], (await Crates.SearchAsync(@"k\s", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["slash"], (await Crates.SearchAsync(@"\", 0, 10, Ct)).Crates.Select(c => c.Name));
    }

    [Fact]
    public async Task Pages_share_one_total()
    {
        foreach (var name in new[] { "aa", "ab", "ac", "ad", "ae" }) await CrateAsync(name, $"{name} common");

        var first = await Crates.SearchAsync("common", 0, 2, Ct);
        var last = await Crates.SearchAsync("common", 4, 2, Ct);
        var beyond = await Crates.SearchAsync("common", 10, 2, Ct);

        Assert.Equal(["aa", "ab"], first.Crates.Select(c => c.Name));
        Assert.Equal(["ae"], last.Crates.Select(c => c.Name));
        Assert.Empty(beyond.Crates);
        Assert.All(new[] { first, last, beyond }, p => Assert.Equal(5, p.Total));
    }

    [Fact]
    public async Task Short_queries_rank_page_and_count_like_long_ones()
    {
        // One- and two-character queries have no trigram to look up and are answered from a scan (SQLite).
        await CrateAsync("ab", "ab itself");
        await CrateAsync("abc", "abc letters", downloads: 5);
        await CrateAsync("cab", "cab ride", downloads: 5);
        await CrateAsync("zab", "zab", downloads: 9);
        await CrateAsync("xy", "xy nothing");

        var first = await Crates.SearchAsync("AB", 0, 10, Ct);
        var middle = await Crates.SearchAsync("ab", 1, 2, Ct);
        var beyond = await Crates.SearchAsync("ab", 10, 2, Ct);

        // The exact name, then a name starting with it, then other names holding it; each group by downloads.
        Assert.Equal(["ab", "abc", "zab", "cab"], first.Crates.Select(c => c.Name));
        Assert.Equal(["abc", "zab"], middle.Crates.Select(c => c.Name));
        Assert.Empty(beyond.Crates);
        Assert.All(new[] { first, middle, beyond }, p => Assert.Equal(4, p.Total));
        Assert.Equal(["zab", "abc", "cab", "ab"], (await Crates.SearchAsync("b", 0, 10, Ct)).Crates.Select(c => c.Name));
    }

    [Fact]
    public async Task No_match_is_an_empty_page()
    {
        await CrateAsync("serde", "serde");

        var page = await Crates.SearchAsync("nothing-like-it", 0, 10, Ct);

        Assert.Empty(page.Crates);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task Any_substring_matches_whatever_its_length_and_characters()
    {
        // Migration 0005 serves queries of 3+ characters from an index (SQLite: FTS5 trigrams, matched as a phrase;
        // PostgreSQL: pg_trgm); they must still mean "contains", like the scan for shorter ones.
        await CrateAsync("serde", "serde serialization framework", downloads: 2);
        await CrateAsync("quoted", "says \"hi there\" twice", downloads: 1);
        await CrateAsync("unicode", "größe und maße");

        foreach (var q in new[] { "erializ", "ework", "rde ser", "se", "rialization framework" })
        {
            var names = (await Crates.SearchAsync(q, 0, 10, Ct)).Crates.Select(c => c.Name).ToArray();
            Assert.True(names.SequenceEqual(["serde"]), $"query `{q}`: {string.Join(", ", names)}");
        }
        Assert.Equal(["quoted"], (await Crates.SearchAsync("\"hi", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["quoted"], (await Crates.SearchAsync("hi there\" tw", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["unicode"], (await Crates.SearchAsync("ÖßE", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["unicode"], (await Crates.SearchAsync("aß", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["serde"], (await Crates.SearchAsync("rk", 0, 10, Ct)).Crates.Select(c => c.Name)); // the text's last two
        Assert.Equal(["quoted"], (await Crates.SearchAsync("e\"", 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["unicode"], (await Crates.SearchAsync("ße", 0, 10, Ct)).Crates.Select(c => c.Name));
        // Words match in any order; a crate must hold every one of them.
        Assert.Equal(["serde"], (await Crates.SearchAsync("framework serde", 0, 10, Ct)).Crates.Select(c => c.Name));
        var none = await Crates.SearchAsync("framework yaml", 0, 10, Ct);
        Assert.Empty(none.Crates);
        Assert.Equal(0, none.Total);
    }

    [Fact]
    public async Task Totals_count_every_match_once_including_an_exact_name_the_text_spells_differently()
    {
        await CrateAsync("foo_bar", "foo_bar one");
        await CrateAsync("foo-bar-ext", "foo-bar-ext two", downloads: 1);
        await CrateAsync("unrelated", "other");

        var page = await Crates.SearchAsync("foo-bar", 0, 1, Ct);

        // foo_bar's text says foo_bar, so only the exact-name rule finds it; foo-bar-ext matches its text.
        Assert.Equal(2, page.Total);
        Assert.Equal(["foo_bar"], page.Crates.Select(c => c.Name));
        Assert.Equal(["foo-bar-ext"], (await Crates.SearchAsync("foo-bar", 1, 1, Ct)).Crates.Select(c => c.Name));
    }

    [Fact]
    public async Task Many_matches_rank_and_page_the_same_way_as_few()
    {
        // Over CrateRepository's threshold (2000 matches) SQLite ranks by walking an index instead of sorting.
        for (var i = 0; i < 2100; i++) await CrateAsync($"many-{i:D4}", $"many-{i:D4} common word", downloads: i % 7 == 0 ? i % 5 : 0);
        await CrateAsync("common", "common itself");

        var all = new List<string>();
        for (var page = 0; page < 22; page++) all.AddRange((await Crates.SearchAsync("common", page * 100, 100, Ct)).Crates.Select(c => c.Name));
        var first = await Crates.SearchAsync("common", 0, 10, Ct);

        Assert.Equal(2101, first.Total);
        Assert.Equal("common", all[0]);
        Assert.Equal(2101, all.Distinct().Count());
        var expected = Enumerable.Range(0, 2100).Select(i => (Name: $"many-{i:D4}", Downloads: i % 7 == 0 ? i % 5 : 0))
            .OrderByDescending(c => c.Downloads).ThenBy(c => c.Name, StringComparer.Ordinal).Select(c => c.Name);
        Assert.Equal(expected, all.Skip(1));
        Assert.Equal(all.Take(10), first.Crates.Select(c => c.Name));

        // A two-character query (SQLite: the pairs table) and a one-character one (a scan) over the same crates, with no
        // crate of that name: every crate matches. "mo" is in the name "common" only (a name match ranks before text
        // matches); every "many-" name starts with "m" (a name prefix ranks before a name match).
        var byQuery = new Dictionary<string, List<string>>
        {
            ["mo"] = expected.Prepend("common").ToList(),
            ["m"] = expected.Append("common").ToList(),
        };
        foreach (var (q, ranked) in byQuery)
        {
            var top = await Crates.SearchAsync(q, 0, 10, Ct);
            var deep = await Crates.SearchAsync(q, 2095, 10, Ct);
            Assert.Equal(2101, top.Total);
            Assert.Equal(ranked.Take(10), top.Crates.Select(c => c.Name));
            Assert.Equal(ranked.Skip(2095), deep.Crates.Select(c => c.Name));
            var walked = new List<string>();
            for (var page = 0; page < 22; page++) walked.AddRange((await Crates.SearchAsync(q, page * 100, 100, Ct)).Crates.Select(c => c.Name));
            Assert.Equal(ranked, walked);
        }
    }

    [Fact]
    public async Task Search_text_follows_the_latest_publish()
    {
        await CrateAsync("foo", "foo old words");
        await PublishAsync(NewVersion("foo", "2.0.0", _userId, searchText: "foo new words"));

        Assert.Empty((await Crates.SearchAsync("old", 0, 10, Ct)).Crates);
        Assert.Single((await Crates.SearchAsync("new", 0, 10, Ct)).Crates);
        // Two-character queries too (SQLite keeps their pairs beside the text): "ol" was only in the old text.
        Assert.Empty((await Crates.SearchAsync("ol", 0, 10, Ct)).Crates);
        Assert.Equal(0, (await Crates.SearchAsync("ol", 0, 10, Ct)).Total);
        Assert.Single((await Crates.SearchAsync("ne", 0, 10, Ct)).Crates);
        Assert.Single((await Crates.SearchAsync("wo", 0, 10, Ct)).Crates);
    }
}

public sealed class SqliteSearchTests(SqliteLane lane) : SearchTests(lane), IClassFixture<SqliteLane>
{
    [Fact]
    public async Task Migration_0006_fills_the_same_search_pairs_that_publishing_keeps()
    {
        await CrateAsync("crab", "crab 🦀 emoji, größe and \"quotes\"");
        await CrateAsync("x", "x");
        await CrateAsync("twice", "abab abab");
        await PublishAsync(NewVersion("crab", "2.0.0", (await Users.FindByNameAsync("alice", Ct))!.Id, searchText: "crab 🦀🦀 new text"));
        await using var factory = DbConnectionFactory.Create(Db.Options);
        await using var connection = await factory.OpenAsync(Ct);
        const string pairs = "SELECT pair || ' ' || crate_id FROM crate_search_pairs ORDER BY 1";
        var kept = (await connection.QueryAsync<string>(pairs)).ToList();

        await connection.ExecuteAsync("DELETE FROM crate_search_pairs");
        await connection.ExecuteAsync(MigrationScripts.For(DatabaseProvider.Sqlite).Single(m => m.Version == 6).Sql);

        Assert.Contains(kept, p => p.StartsWith("🦀🦀 ", StringComparison.Ordinal));
        Assert.Equal(kept, (await connection.QueryAsync<string>(pairs)).ToList());
    }
}

public sealed class PostgresSearchTests(PostgresLane lane) : SearchTests(lane), IClassFixture<PostgresLane>;
