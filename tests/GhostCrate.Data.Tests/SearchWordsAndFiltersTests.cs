using Dapper;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Search;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Migrations;
using GhostCrate.Data.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Data.Tests;

/// <summary>Issue 23: every word must match, '-'/'_'/space alike, keyword/category/organization/advisory filters.</summary>
public abstract class SearchWordsAndFiltersTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private long _alice;

    private async Task CrateAsync(string name, string description, string[]? keywords = null, string[]? categories = null, int downloads = 0, string version = "1.0.0")
    {
        if (_alice == 0) _alice = (await CreateUserAsync("alice")).Id;
        keywords ??= [];
        categories ??= [];
        var text = string.Join(' ', new[] { name, description }.Concat(keywords).Concat(categories)).ToLowerInvariant();
        var result = await PublishAsync(NewVersion(name, version, _alice, description: description, searchText: text) with { Keywords = keywords, Categories = categories });
        Assert.Equal(PublishWriteStatus.Published, result.Status);
        if (downloads == 0) return;
        var row = (await Crates.FindVersionAsync(name.ToLowerInvariant().Replace('_', '-'), version, Ct))!;
        await DownloadStats.AddAsync([new Core.Downloads.DownloadIncrement(row.Id, DateOnly.FromDateTime(T0.UtcDateTime), downloads)], Ct);
    }

    private async Task<string[]> UiAsync(SearchQuery query, CrateSort sort = CrateSort.Relevance) =>
        (await Catalog.SearchAsync(query, sort, 0, 50, Ct)).Crates.Select(c => c.Name).ToArray();

    private async Task<string[]> CargoAsync(string q) => (await Crates.SearchAsync(q, 0, 50, Ct)).Crates.Select(c => c.Name).ToArray();

    [Fact]
    public async Task Every_word_must_match_in_any_order_and_field()
    {
        await CrateAsync("acme-http", "An HTTP client for Acme services", downloads: 3);
        await CrateAsync("acme-log", "Structured logging for Acme", keywords: ["logging"]);
        await CrateAsync("http-types", "Common HTTP types", downloads: 9);
        await CrateAsync("slog-json", "JSON drain", keywords: ["structured", "logging"], downloads: 1);

        foreach (var q in new[] { "acme http", "http acme", "ACME  HTTP", "acme-http", "acme_http" })
        {
            Assert.Equal(["acme-http"], await CargoAsync(q));
            Assert.Equal(["acme-http"], await UiAsync(SearchQuery.Parse(q)));
        }
        // Words found in description and keywords alike; no crate holds "structured logging acme" but acme-log.
        Assert.Equal(["slog-json", "acme-log"], await UiAsync(SearchQuery.Parse("structured logging")));
        Assert.Equal(["acme-log"], await CargoAsync("structured logging acme"));
        Assert.Empty(await CargoAsync("acme json"));
        Assert.Equal(0, (await Crates.SearchAsync("acme json", 0, 10, Ct)).Total);
    }

    [Fact]
    public async Task Ranking_is_exact_name_then_name_prefix_then_names_holding_the_words_then_text()
    {
        await CrateAsync("acme-http-extras", "more", downloads: 1);
        await CrateAsync("my-acme-http", "wrapper", downloads: 5);
        await CrateAsync("client", "acme http client", downloads: 100);
        await CrateAsync("acme_http", "the crate");

        var expected = new[] { "acme_http", "acme-http-extras", "my-acme-http", "client" };
        Assert.Equal(expected, await CargoAsync("acme http"));
        Assert.Equal(expected, await UiAsync(SearchQuery.Parse("acme-http")));
        var second = await Crates.SearchAsync("acme http", 1, 2, Ct);
        Assert.Equal(["acme-http-extras", "my-acme-http"], second.Crates.Select(c => c.Name));
        Assert.Equal(4, second.Total);
    }

    [Fact]
    public async Task Categories_are_searchable_and_filter_with_their_subcategories()
    {
        await CrateAsync("server", "serves", categories: ["web-programming::http-server"]);
        await CrateAsync("web", "web things", categories: ["web-programming"], downloads: 2);
        await CrateAsync("cli", "commands", categories: ["command-line-utilities"]);

        Assert.Equal(["server"], await CargoAsync("http server"));
        Assert.Equal(["web", "server"], await UiAsync(SearchQuery.Parse("", category: "web-programming")));
        Assert.Equal(["server"], await UiAsync(SearchQuery.Parse("", category: "web-programming::http-server")));
        Assert.Equal(["server"], await CargoAsync("serves category:web-programming"));
        Assert.Empty(await UiAsync(SearchQuery.Parse("", category: "web")));
    }

    [Fact]
    public async Task Keyword_filter_matches_whole_keywords_and_follows_the_latest_publish()
    {
        await CrateAsync("a", "first", keywords: ["http", "client"]);
        await CrateAsync("b", "second", keywords: ["https"]);

        Assert.Equal(["a"], await UiAsync(SearchQuery.Parse("", keyword: "HTTP")));
        Assert.Equal(["a"], await CargoAsync("keyword:http"));
        Assert.Equal(["a"], await UiAsync(SearchQuery.Parse("first", keyword: "client")));
        Assert.Empty(await UiAsync(SearchQuery.Parse("second", keyword: "client")));

        await CrateAsync("a", "first again", keywords: ["server"], version: "2.0.0");
        Assert.Empty(await UiAsync(SearchQuery.Parse("", keyword: "http")));
        Assert.Equal(["a"], await UiAsync(SearchQuery.Parse("", keyword: "server")));
    }

    [Fact]
    public async Task Organization_filter_includes_crates_of_its_teams()
    {
        await CrateAsync("direct", "x");
        await CrateAsync("by-team", "x");
        await CrateAsync("other", "x");
        var orgs = Db.Ports.Organizations;
        var acme = (await orgs.CreateAsync("Acme", "acme", _alice, T0, Ct))!;
        var team = (await orgs.CreateTeamAsync(acme.Id, "web", "web", T0, Ct))!;
        await Db.Ports.CrateGroupOwners.AddOrgAsync((await Crates.FindAsync("direct", Ct))!.Id, acme.Id, T0, Ct);
        await Db.Ports.CrateGroupOwners.AddTeamAsync((await Crates.FindAsync("by-team", Ct))!.Id, team.Id, T0, Ct);

        Assert.Equal(["by-team", "direct"], await UiAsync(SearchQuery.Parse("", organization: "acme"), CrateSort.Name));
        Assert.Equal(["by-team", "direct"], await UiAsync(SearchQuery.Parse("x org:ACME"), CrateSort.Name));
    }

    [Fact]
    public async Task Advisory_filter_keeps_crates_with_an_advisory_that_is_not_withdrawn()
    {
        await CrateAsync("smallvec", "vec");
        await CrateAsync("my_crate", "vec");
        await CrateAsync("clean", "vec");
        var service = new AdvisoryService(Db.Ports.Advisories, NoMirroredCrates.Instance, TimeProvider.System, NullLogger<AdvisoryService>.Instance);
        var report = await service.SyncAsync(
        [
            new AdvisoryFile("crates/smallvec/RUSTSEC-2021-0003.md", AdvisoryStoreTests.AdvisoryText("RUSTSEC-2021-0003", "smallvec", "\">= 1.6.1\"")),
            new AdvisoryFile("crates/my_crate/RUSTSEC-2020-0001.md", AdvisoryStoreTests.AdvisoryText("RUSTSEC-2020-0001", "my_crate", "\">= 2.0.0\"", "withdrawn = \"2020-02-02\"")),
        ], AdvisoryLimits.Default, Ct);
        Assert.Empty(report.Rejected);

        Assert.Equal(["smallvec"], await UiAsync(SearchQuery.Parse("vec", hasAdvisories: true)));
        Assert.Equal(["smallvec"], await CargoAsync("vec has:advisories"));
    }

    [Fact]
    public async Task Migration_0016_fills_keywords_and_categories_from_the_latest_publish()
    {
        if (_alice == 0) _alice = (await CreateUserAsync("alice")).Id;
        await PublishAsync(NewVersion("old", "1.0.0", _alice) with { MetadataJson = """{"keywords":["Gone"],"categories":["games"]}""" });
        await PublishAsync(NewVersion("old", "1.1.0", _alice, searchText: "old text") with { MetadataJson = """{"keywords":["Net","http"],"categories":["network-programming"]}""" });
        await PublishAsync(NewVersion("plain", "1.0.0", _alice) with { MetadataJson = """{"keywords":null}""" });
        await using var factory = DbConnectionFactory.Create(Db.Options);
        await using (var connection = await factory.OpenAsync(Ct))
        {
            // As before the migration: no rows for the crates (the publish above wrote none: the lists were empty).
            await connection.ExecuteAsync("DELETE FROM crate_keywords; DELETE FROM crate_categories;");
            var script = MigrationScripts.For(Lane.Provider).Single(m => m.Version == 16).Sql;
            await connection.ExecuteAsync(script[script.IndexOf("-- Crates published before", StringComparison.Ordinal)..]);
        }

        Assert.Equal(["old"], await UiAsync(SearchQuery.Parse("", keyword: "net")));
        Assert.Empty(await UiAsync(SearchQuery.Parse("", keyword: "gone")));
        Assert.Equal(["old"], await UiAsync(SearchQuery.Parse("", category: "network-programming")));
        Assert.Equal(["old"], await CargoAsync("network programming"));
        Assert.Equal(["old"], await CargoAsync("ne pr")); // SQLite: the pairs of the appended text too
    }
}

public sealed class SqliteSearchWordsAndFiltersTests(SqliteLane lane) : SearchWordsAndFiltersTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresSearchWordsAndFiltersTests(PostgresLane lane) : SearchWordsAndFiltersTests(lane), IClassFixture<PostgresLane>;
