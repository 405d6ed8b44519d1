using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Search;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract partial class CatalogTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private long _alice;

    private async Task<long> AliceAsync() => _alice != 0 ? _alice : _alice = (await CreateUserAsync("alice")).Id;

    private async Task CrateAsync(string name, string version = "1.0.0", string? searchText = null, int downloads = 0, DateTimeOffset? at = null, IReadOnlyList<NewDependency>? deps = null, long? publisher = null)
    {
        var result = await PublishAsync(NewVersion(name, version, publisher ?? await AliceAsync(), publishedAt: at, searchText: searchText, dependencies: deps));
        Assert.Equal(PublishWriteStatus.Published, result.Status);
        if (downloads == 0) return;
        var row = (await Crates.FindVersionAsync(name.ToLowerInvariant().Replace('_', '-'), version, Ct))!;
        await DownloadStats.AddAsync([new Core.Downloads.DownloadIncrement(row.Id, DateOnly.FromDateTime(T0.UtcDateTime), downloads)], Ct);
    }

    private static NewDependency Dep(string name, string req = "^1", string kind = "normal", bool optional = false, string? registry = null) =>
        new(name, req, kind, optional, registry, null);

    [Fact]
    public async Task Counts_crates_versions_and_downloads()
    {
        Assert.Equal(new RegistryCounts(0, 0, 0, 0), await Catalog.CountAsync(Ct));

        await CrateAsync("a", "1.0.0", downloads: 3);
        await CrateAsync("a", "1.1.0", downloads: 4);
        await CrateAsync("b", "0.1.0");

        // Every test version is 1234 bytes.
        Assert.Equal(new RegistryCounts(2, 3, 7, 3 * 1234), await Catalog.CountAsync(Ct));
    }

    [Fact]
    public async Task Relevance_ranks_exact_then_prefix_then_name_then_text()
    {
        await CrateAsync("log", searchText: "log logging facade", downloads: 1);
        await CrateAsync("logos", searchText: "logos lexer", downloads: 2);
        await CrateAsync("env_logger", searchText: "env_logger a logger", downloads: 50);
        await CrateAsync("tracing", searchText: "tracing structured log events", downloads: 100);
        await CrateAsync("serde", searchText: "serde serialization");

        var page = await Catalog.SearchAsync(SearchQuery.Parse("log"), CrateSort.Relevance, 0, 10, Ct);

        Assert.Equal(["log", "logos", "env_logger", "tracing"], page.Crates.Select(c => c.Name));
        Assert.Equal(4, page.Total);
    }

    [Fact]
    public async Task Sorts_by_downloads_recent_update_and_name()
    {
        await CrateAsync("b-crate", searchText: "b-crate common", downloads: 5, at: T0);
        await CrateAsync("a_crate", searchText: "a_crate common", downloads: 1, at: T0.AddDays(2));
        await CrateAsync("C-crate", searchText: "c-crate common", downloads: 9, at: T0.AddDays(1));
        await CrateAsync("other", searchText: "other");

        Assert.Equal(["C-crate", "b-crate", "a_crate"], (await Catalog.SearchAsync(SearchQuery.Parse("common"), CrateSort.Downloads, 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["a_crate", "C-crate", "b-crate"], (await Catalog.SearchAsync(SearchQuery.Parse("common"), CrateSort.RecentlyUpdated, 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["a_crate", "b-crate", "C-crate"], (await Catalog.SearchAsync(SearchQuery.Parse("common"), CrateSort.Name, 0, 10, Ct)).Crates.Select(c => c.Name));
    }

    [Fact]
    public async Task Empty_query_lists_every_crate_with_paging()
    {
        foreach (var name in new[] { "aa", "ab", "ac", "ad", "ae" }) await CrateAsync(name);

        var first = await Catalog.SearchAsync(SearchQuery.Parse(""), CrateSort.Name, 0, 2, Ct);
        var last = await Catalog.SearchAsync(SearchQuery.Parse(""), CrateSort.Name, 4, 2, Ct);

        Assert.Equal(["aa", "ab"], first.Crates.Select(c => c.Name));
        Assert.Equal(["ae"], last.Crates.Select(c => c.Name));
        Assert.Equal(5, first.Total);
        Assert.Equal(5, last.Total);
    }

    [Fact]
    public async Task Search_matches_literally_and_ignores_case()
    {
        await CrateAsync("under", searchText: "under 50%_off");
        await CrateAsync("other", searchText: "other axb 50x");

        // '%' is no wildcard; '_' separates words like '-' and a space ("50 off" asks for both words).
        Assert.Equal(["under"], (await Catalog.SearchAsync(SearchQuery.Parse("0%_off"), CrateSort.Relevance, 0, 10, Ct)).Crates.Select(c => c.Name));
        Assert.Equal(["other"], (await Catalog.SearchAsync(SearchQuery.Parse("AXB"), CrateSort.Name, 0, 10, Ct)).Crates.Select(c => c.Name));
    }

    [Fact]
    public async Task Version_summaries_carry_yank_size_and_publisher()
    {
        await CrateAsync("foo", "1.0.0", downloads: 2);
        await CrateAsync("foo", "1.1.0");
        await Crates.SetYankedAsync("foo", "1.1.0", true, T0, Ct);
        var crate = (await Crates.FindAsync("foo", Ct))!;

        var versions = await Catalog.ListVersionSummariesAsync(crate.Id, Ct);

        Assert.Equal(["1.0.0", "1.1.0"], versions.Select(v => v.Version));
        Assert.False(versions[0].Yanked);
        Assert.True(versions[1].Yanked);
        Assert.Equal(2, versions[0].Downloads);
        Assert.Equal(1234, versions[0].Size);
        Assert.Equal("MIT", versions[0].License);
        Assert.Equal(T0, versions[0].CreatedAt);
        Assert.Equal("alice", versions[0].PublishedBy);
    }

    [Fact]
    public async Task Reverse_dependencies_count_latest_versions_only()
    {
        await CrateAsync("core-lib", "1.0.0");
        await CrateAsync("app", "1.0.0", deps: [Dep("core-lib")], downloads: 3);
        await CrateAsync("tool", "1.0.0", deps: [Dep("core_lib", kind: "dev"), Dep("core-lib", "^1.0", kind: "build", optional: true)], downloads: 7);
        // Depended on it once, not any more.
        await CrateAsync("old", "1.0.0", deps: [Dep("core-lib")]);
        await CrateAsync("old", "2.0.0");
        // A namesake on crates.io is another crate.
        await CrateAsync("public", "1.0.0", deps: [Dep("core-lib", registry: "https://github.com/rust-lang/crates.io-index")]);
        var target = (await Crates.FindAsync("core-lib", Ct))!;

        var page = await Catalog.ListReverseDependenciesAsync(["core-lib", "core_lib"], target.Id, 0, 10, Ct);

        Assert.Equal(2, page.Total);
        Assert.Equal(["tool", "app"], page.Crates.Select(c => c.Name));
        var tool = page.Crates[0];
        Assert.Equal("build", tool.Kind);
        Assert.False(tool.Optional);
        Assert.Equal("1.0.0", tool.MaxVersion);
        Assert.Equal(7, tool.Downloads);
        Assert.Equal(("normal", "^1"), (page.Crates[1].Kind, page.Crates[1].Req));

        var second = await Catalog.ListReverseDependenciesAsync(["core-lib", "core_lib"], target.Id, 1, 1, Ct);
        Assert.Equal(["app"], second.Crates.Select(c => c.Name));
        Assert.Equal(2, second.Total);
    }

    [Fact]
    public async Task Reverse_dependencies_skip_yanked_only_crates_and_the_crate_itself()
    {
        await CrateAsync("base", "1.0.0");
        await CrateAsync("gone", "1.0.0", deps: [Dep("base")]);
        await Crates.SetYankedAsync("gone", "1.0.0", true, T0, Ct);
        var target = (await Crates.FindAsync("base", Ct))!;

        var page = await Catalog.ListReverseDependenciesAsync(["base"], target.Id, 0, 10, Ct);

        Assert.Empty(page.Crates);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task Owned_crates_are_listed_by_name()
    {
        var bob = (await CreateUserAsync("bob")).Id;
        await CrateAsync("zeta");
        await CrateAsync("Alpha");
        await CrateAsync("bobs", publisher: bob);

        Assert.Equal(["Alpha", "zeta"], (await Catalog.ListOwnedByAsync(await AliceAsync(), Ct)).Select(c => c.Name));
        Assert.Equal(["bobs"], (await Catalog.ListOwnedByAsync(bob, Ct)).Select(c => c.Name));
    }
}

public abstract partial class CatalogTests
{
    [Fact]
    public async Task Crates_of_an_organization_include_those_of_its_teams()
    {
        var alice = await AliceAsync();
        await CrateAsync("org-direct");
        await CrateAsync("team-owned");
        await CrateAsync("elsewhere");
        var orgs = Db.Ports.Organizations;
        var acme = (await orgs.CreateAsync("acme", "acme", alice, T0, Ct))!;
        var other = (await orgs.CreateAsync("other", "other", alice, T0, Ct))!;
        var team = (await orgs.CreateTeamAsync(acme.Id, "web", "web", T0, Ct))!;
        var owners = Db.Ports.CrateGroupOwners;
        await owners.AddOrgAsync((await Crates.FindAsync("org-direct", Ct))!.Id, acme.Id, T0, Ct);
        await owners.AddTeamAsync((await Crates.FindAsync("team-owned", Ct))!.Id, team.Id, T0, Ct);
        await owners.AddOrgAsync((await Crates.FindAsync("elsewhere", Ct))!.Id, other.Id, T0, Ct);

        Assert.Equal(["org-direct", "team-owned"], (await Catalog.ListOwnedByOrganizationAsync(acme.Id, Ct)).Select(c => c.Name));
        Assert.Equal(["elsewhere"], (await Catalog.ListOwnedByOrganizationAsync(other.Id, Ct)).Select(c => c.Name));
    }
}

public sealed class SqliteCatalogTests(SqliteLane lane) : CatalogTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresCatalogTests(PostgresLane lane) : CatalogTests(lane), IClassFixture<PostgresLane>;
