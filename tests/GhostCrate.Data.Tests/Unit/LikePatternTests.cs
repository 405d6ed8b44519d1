using GhostCrate.Data.Crates;

namespace GhostCrate.Data.Tests.Unit;

public sealed class LikePatternTests
{
    [Theory]
    [InlineData("", "%%")]
    [InlineData("serde", "%serde%")]
    [InlineData("a_b", @"%a\_b%")]
    [InlineData("100%", @"%100\%%")]
    [InlineData(@"a\b", @"%a\\b%")]
    public void Escapes_wildcards_and_the_escape_character(string text, string expected) =>
        Assert.Equal(expected, LikePattern.Contains(text));
}
