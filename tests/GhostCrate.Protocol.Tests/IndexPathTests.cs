using GhostCrate.Protocol.Index;

namespace GhostCrate.Protocol.Tests;

public class IndexPathTests
{
    [Theory]
    [InlineData("a", "1/a")]
    [InlineData("ab", "2/ab")]
    [InlineData("syn", "3/s/syn")]
    [InlineData("serde", "se/rd/serde")]
    [InlineData("Cargo", "ca/rg/cargo")]
    [InlineData("FOO_bar", "fo/o_/foo_bar")]
    [InlineData("abcd", "ab/cd/abcd")]
    public void ForCrate_follows_the_index_layout(string name, string expected) =>
        Assert.Equal(expected, IndexPath.ForCrate(name));

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("")]
    public void ForCrate_refuses_names_that_are_not_crate_names(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => IndexPath.ForCrate(name));

    [Theory]
    [InlineData("1/a", "a")]
    [InlineData("2/ab", "ab")]
    [InlineData("3/s/syn", "syn")]
    [InlineData("se/rd/serde", "serde")]
    [InlineData("fo/o_/foo_bar", "foo_bar")]
    [InlineData("to/ki/tokio-util", "tokio-util")]
    public void TryParse_accepts_well_formed_paths(string path, string expected)
    {
        Assert.True(IndexPath.TryParse(path, out var name));
        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("serde")]
    [InlineData("/se/rd/serde")]
    [InlineData("se/rd/serde/")]
    [InlineData("Se/rd/Serde")]
    [InlineData("se/rd/Serde")]
    [InlineData("se/rd/serdf/serde")]
    [InlineData("xx/rd/serde")]
    [InlineData("2/a")]
    [InlineData("1/ab")]
    [InlineData("3/t/syn")]
    [InlineData("3/syn")]
    [InlineData("../../etc/passwd")]
    [InlineData("se/rd/../serde")]
    [InlineData("1/.")]
    [InlineData("2/..")]
    [InlineData("se/r./se.r")]
    [InlineData("1/1")]
    [InlineData("config.json")]
    [InlineData("se\\rd\\serde")]
    [InlineData("se//rd/serde")]
    public void TryParse_rejects_everything_else(string path)
    {
        Assert.False(IndexPath.TryParse(path, out var name));
        Assert.Null(name);
    }

    [Theory]
    [InlineData("se/rd/serde", "serde")]
    [InlineData("3/s/syn", "syn")]
    [InlineData("1/a", "a")]
    [InlineData("se/rd/serde/", null)]
    [InlineData("xx/rd/serde", null)]
    [InlineData("/se/rd/serde", null)]
    [InlineData("", null)]
    public void TryParse_reads_a_path_inside_a_longer_string(string path, string? expected)
    {
        // As the index fast path calls it: on the rest of the request path, without cutting it out first.
        var requestPath = "/index/" + path;
        Assert.Equal(expected is not null, IndexPath.TryParse(requestPath.AsSpan("/index/".Length), out var name));
        Assert.Equal(expected, name);
    }

    [Fact]
    public void TryParse_rejects_names_longer_than_64() =>
        Assert.False(IndexPath.TryParse(IndexPath.ForCrate(new string('a', 65)), out _));

    [Fact]
    public void TryParse_round_trips_ForCrate()
    {
        foreach (var name in new[] { "a", "ab", "abc", "abcd", "my-crate_2" })
        {
            Assert.True(IndexPath.TryParse(IndexPath.ForCrate(name), out var parsed));
            Assert.Equal(name, parsed);
        }
    }
}
