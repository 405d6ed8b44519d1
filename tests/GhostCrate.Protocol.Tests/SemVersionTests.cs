using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Protocol.Tests;

public class SemVersionTests
{
    [Theory]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta")]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    [InlineData("1.9.0", "1.10.0")]
    public void Orders_as_semver_specifies(string lower, string higher) =>
        Assert.True(SemVersion.Parse(lower) < SemVersion.Parse(higher));

    [Theory]
    [InlineData("1.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-01")]
    [InlineData("1.0.0+")]
    [InlineData("")]
    public void Rejects_invalid(string text) => Assert.False(SemVersion.TryParse(text, out _));

    [Fact]
    public void Key_ignores_build_metadata() =>
        Assert.Equal(SemVersion.Parse("1.2.3+a").Key, SemVersion.Parse("1.2.3+b").Key);
}
