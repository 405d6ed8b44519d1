using GhostCrate.Core.Advisories;

namespace GhostCrate.Core.Tests.Advisories;

public sealed class ParsedAdvisoryCacheTests
{
    private static string Advisory(string id, string package = "base") => $"""
        ```toml
        [advisory]
        id = "{id}"
        package = "{package}"
        date = "2001-02-03"

        [versions]
        patched = [">= 1.2.3"]
        ```

        # Title of {id}
        """;

    [Fact]
    public void The_same_text_is_parsed_once()
    {
        var cache = new ParsedAdvisoryCache();
        var first = cache.Parse(Advisory("RUSTSEC-2001-0001"));
        var again = cache.Parse(Advisory("RUSTSEC-2001-0001"));

        Assert.True(first.IsSuccess);
        Assert.Same(first, again);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_changed_text_is_a_new_entry_with_the_new_content()
    {
        var cache = new ParsedAdvisoryCache();
        var old = cache.Parse(Advisory("RUSTSEC-2001-0001", "base"));
        var changed = cache.Parse(Advisory("RUSTSEC-2001-0001", "other"));

        Assert.Equal("base", old.Advisory!.Package);
        Assert.Equal("other", changed.Advisory!.Package);
    }

    [Fact]
    public void Failures_are_remembered_too_and_the_size_stays_bounded()
    {
        var cache = new ParsedAdvisoryCache(capacity: 3);
        Assert.False(cache.Parse("not an advisory").IsSuccess);
        for (var i = 0; i < 10; i++) cache.Parse(Advisory($"RUSTSEC-2001-{i:D4}"));

        Assert.InRange(cache.Count, 1, 3);
    }
}
