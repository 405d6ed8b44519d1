using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Protocol.Tests;

public class VersionReqTests
{
    private static bool Matches(string req, string version) =>
        VersionReq.Parse(req).Matches(SemVersion.Parse(version));

    [Theory]
    // Caret, including the 0.x rules of https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#caret-requirements
    [InlineData("^1.2.3", "1.2.3", true)]
    [InlineData("^1.2.3", "1.9.0", true)]
    [InlineData("^1.2.3", "1.2.2", false)]
    [InlineData("^1.2.3", "2.0.0", false)]
    [InlineData("^1.2", "1.2.0", true)]
    [InlineData("^1.2", "1.1.9", false)]
    [InlineData("^1", "1.99.99", true)]
    [InlineData("^1", "2.0.0", false)]
    [InlineData("^0.2.3", "0.2.3", true)]
    [InlineData("^0.2.3", "0.2.9", true)]
    [InlineData("^0.2.3", "0.2.2", false)]
    [InlineData("^0.2.3", "0.3.0", false)]
    [InlineData("^0.2", "0.2.0", true)]
    [InlineData("^0.2", "0.3.0", false)]
    [InlineData("^0.0.3", "0.0.3", true)]
    [InlineData("^0.0.3", "0.0.4", false)]
    [InlineData("^0.0", "0.0.9", true)]
    [InlineData("^0.0", "0.1.0", false)]
    [InlineData("^0", "0.9.9", true)]
    [InlineData("^0", "1.0.0", false)]
    // A bare version is a caret requirement.
    [InlineData("1.2.3", "1.4.0", true)]
    [InlineData("0.2.3", "0.3.0", false)]
    [InlineData("1", "1.0.0", true)]
    // Tilde
    [InlineData("~1.2.3", "1.2.9", true)]
    [InlineData("~1.2.3", "1.3.0", false)]
    [InlineData("~1.2.3", "1.2.2", false)]
    [InlineData("~1.2", "1.2.0", true)]
    [InlineData("~1.2", "1.3.0", false)]
    [InlineData("~1", "1.9.0", true)]
    [InlineData("~1", "2.0.0", false)]
    [InlineData("~0.2", "0.2.5", true)]
    // Exact
    [InlineData("=1.2.3", "1.2.3", true)]
    [InlineData("=1.2.3", "1.2.4", false)]
    [InlineData("=1.2", "1.2.7", true)]
    [InlineData("=1.2", "1.3.0", false)]
    [InlineData("=1", "1.5.0", true)]
    // Comparisons
    [InlineData(">1.2.3", "1.2.4", true)]
    [InlineData(">1.2.3", "1.2.3", false)]
    [InlineData(">1.2", "1.2.9", false)]
    [InlineData(">1.2", "1.3.0", true)]
    [InlineData(">=1.2.3", "1.2.3", true)]
    [InlineData(">=1.2", "1.2.0", true)]
    [InlineData("<1.2.3", "1.2.2", true)]
    [InlineData("<1.2.3", "1.2.3", false)]
    [InlineData("<1.2", "1.1.9", true)]
    [InlineData("<1.2", "1.2.0", false)]
    [InlineData("<=1.2", "1.2.9", true)]
    [InlineData("<=1.2", "1.3.0", false)]
    [InlineData("<2", "1.99.0", true)]
    [InlineData("<2", "2.0.0", false)]
    // Ranges
    [InlineData(">=1.2, <1.5", "1.4.9", true)]
    [InlineData(">=1.2, <1.5", "1.5.0", false)]
    [InlineData(">= 1.2 , < 1.5", "1.2.0", true)]
    [InlineData(">=0.2,<0.3", "0.2.7", true)]
    // Wildcards
    [InlineData("*", "0.0.1", true)]
    [InlineData("*", "99.0.0", true)]
    [InlineData("1.*", "1.9.0", true)]
    [InlineData("1.*", "2.0.0", false)]
    [InlineData("1.2.*", "1.2.7", true)]
    [InlineData("1.2.*", "1.3.0", false)]
    [InlineData("1.x", "1.3.0", true)]
    [InlineData(">=1.*", "3.0.0", true)]
    // Build metadata never affects matching.
    [InlineData("=1.2.3+build", "1.2.3", true)]
    [InlineData("=1.2.3", "1.2.3+other", true)]
    public void Matches_releases(string req, string version, bool expected) =>
        Assert.Equal(expected, Matches(req, version));

    [Theory]
    // Pre-releases match only when a comparator names the same major.minor.patch with a pre-release.
    [InlineData("^1.2.3", "1.3.0-alpha", false)]
    [InlineData("^1.2.3-alpha", "1.2.3-alpha", true)]
    [InlineData("^1.2.3-alpha", "1.2.3-beta", true)]
    [InlineData("^1.2.3-beta", "1.2.3-alpha", false)]
    [InlineData("^1.2.3-alpha", "1.2.3", true)]
    [InlineData("^1.2.3-alpha", "1.3.0-alpha", false)]
    [InlineData("^1.2.3-alpha", "1.3.0", true)]
    [InlineData("*", "1.0.0-alpha", false)]
    [InlineData(">=1.0.0", "1.1.0-rc.1", false)]
    [InlineData(">=1.0.0-rc.1", "1.0.0-rc.2", true)]
    [InlineData(">=1.0.0-rc.1", "1.0.0-rc.10", true)]
    [InlineData(">=1.0.0-rc.2", "1.0.0-rc.10", true)]
    [InlineData(">=1.0.0-rc.10", "1.0.0-rc.2", false)]
    [InlineData("<1.0.0", "1.0.0-rc.1", false)]
    [InlineData("=1.0.0-rc.1", "1.0.0-rc.1", true)]
    [InlineData("=1.0.0-rc.1", "1.0.0-rc.2", false)]
    [InlineData("~1.2.3-beta", "1.2.3-beta.2", true)]
    [InlineData("~1.2.3-beta", "1.2.4", true)]
    [InlineData(">=1.2.3-alpha, <2", "1.2.3-beta", true)]
    [InlineData(">=1.2.3-alpha, <2", "1.5.0-beta", false)]
    [InlineData("1.2.*", "1.2.3-alpha", false)]
    public void Matches_prereleases_only_when_opted_in(string req, string version, bool expected) =>
        Assert.Equal(expected, Matches(req, version));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("1.2.3.4")]
    [InlineData("01.2")]
    [InlineData("1.02")]
    [InlineData(">=")]
    [InlineData("=>1.0")]
    [InlineData("~>1.0")]
    [InlineData("1.*.3")]
    [InlineData("*, <2")]
    [InlineData(">=1.0,")]
    [InlineData(",1.0")]
    [InlineData("1.0 2.0")]
    [InlineData("1.2-alpha")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.3-a..b")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.3-alpha$")]
    [InlineData("-1")]
    [InlineData("99999999999999999999999")]
    public void Rejects_invalid_requirements(string text)
    {
        Assert.False(VersionReq.TryParse(text, out var req));
        Assert.Null(req);
    }

    [Theory]
    [InlineData("^1.0")]
    [InlineData(">= 1.2, < 1.5")]
    [InlineData("*")]
    [InlineData(" =1.2.3-rc.1+meta ")]
    public void ToString_returns_the_original_text(string text) =>
        Assert.Equal(text, VersionReq.Parse(text).ToString());

    [Fact]
    public void Star_is_any()
    {
        Assert.True(VersionReq.Parse("*").IsAny);
        Assert.False(VersionReq.Parse("1").IsAny);
    }
}
