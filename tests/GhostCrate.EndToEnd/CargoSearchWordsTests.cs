using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>Issue 23: `cargo search "two words"` finds a crate holding both words anywhere (name, description, keywords, categories).</summary>
public sealed class CargoSearchWordsTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    private async Task<List<string>> SearchAsync(string query)
    {
        var search = await Cargo.RunOkAsync(Cargo.ProjectsDir, ["search", query, "--registry", CargoSandbox.Registry, "--limit", "20"]);
        return search.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("...", StringComparison.Ordinal) && !l.StartsWith("note:", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[0])
            .ToList();
    }

    [Fact]
    public async Task Cargo_search_matches_every_word_in_any_field_with_dashes_and_underscores_alike()
    {
        var id = Ids.New();
        var keyword = $"zebra{id}";
        var crate = await Cargo.NewLibAsync($"words-{id}-probe",
            packageFields: $"keywords = [\"{keyword}\"]\ncategories = [\"development-tools::debugging\"]");
        await Cargo.PublishOkAsync(crate, verify: false);
        // An unknown category is dropped and cargo prints the registry's warning (as with crates.io).
        var other = await Cargo.PublishOkAsync(await Cargo.NewLibAsync($"words-{id}-other", packageFields: "categories = [\"not-a-category\"]"), verify: false);
        Assert.Contains("not-a-category", other.StdErr, StringComparison.Ordinal);

        // A keyword word and a category word; the crate's name words in another order, with '_' for '-'.
        Assert.Equal([crate.Name], await SearchAsync($"{keyword} debugging"));
        Assert.Equal([crate.Name], await SearchAsync($"probe_{id}"));
        Assert.Equal([crate.Name], await SearchAsync($"keyword:{keyword}"));
        Assert.Empty(await SearchAsync($"{keyword} tracing"));
        // Both names start with "words-{id}": a name-prefix tie is broken by downloads (none), then by name.
        Assert.Equal([$"words-{id}-other", crate.Name], await SearchAsync($"words {id}"));
        Assert.Equal([crate.Name], await SearchAsync($"words-{id}-probe"));
    }
}
