using GhostCrate.Core.Advisories;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Tests.Advisories;

public sealed class AdvisoryVersionsTests
{
    private static SemVersion V(string s) => SemVersion.Parse(s);

    // rustsec `ranges_for_advisory.rs` increment vectors: the successor is the lowest version above, by precedence.
    [Theory]
    [InlineData("1.2.3", "1.2.4-0")]
    [InlineData("1.2.3-9", "1.2.3-9.0")]
    [InlineData("1.2.3-4.5.6", "1.2.3-4.5.6.0")]
    [InlineData("1.2.3-alpha1", "1.2.3-alpha1.0")]
    [InlineData("1.2.3-alpha.1.foo", "1.2.3-alpha.1.foo.0")]
    public void Successor_is_the_next_version_by_precedence(string input, string expected)
    {
        var next = AdvisoryVersions.Successor(V(input));
        Assert.Equal(V(expected), next);
        Assert.True(next > V(input));
    }

    [Theory]
    [InlineData("1.2.3-9", "1.2.3-10")]
    [InlineData("1.2.3-9", "1.2.3-9.0.0.0")]
    [InlineData("1.2.3-4.5.6", "1.2.3-4.5.7")]
    [InlineData("1.2.3-alpha1", "1.2.3-alpha2")]
    [InlineData("1.2.3-alpha1", "1.2.3-alpha1-")]
    public void Successor_of_a_prerelease_sorts_below_its_intuitive_neighbours(string input, string above)
    {
        Assert.True(AdvisoryVersions.Successor(V(input)) < V(above));
    }

    [Fact]
    public void No_ranges_means_every_version_is_affected()
    {
        var versions = AdvisoryVersions.Create([], []);
        Assert.True(versions.IsAffected(V("0.0.1")));
        Assert.True(versions.IsAffected(V("99.0.0-rc.1")));
    }

    /// <summary>RUSTSEC-2021-0003 (smallvec): patched ">= 0.6.14, < 1.0.0" and ">= 1.6.1", unaffected "< 0.6.3".</summary>
    [Theory]
    [InlineData("0.6.2", false)]
    [InlineData("0.6.3-alpha", false)] // below 0.6.3 by precedence: unaffected
    [InlineData("0.6.3", true)]
    [InlineData("0.6.13", true)]
    [InlineData("0.6.14", false)]
    [InlineData("0.9.9", false)]
    [InlineData("1.0.0-alpha.1", false)] // below 1.0.0, so still in the patched 0.6.14.. range
    [InlineData("1.0.0", true)]
    [InlineData("1.6.0", true)]
    [InlineData("1.6.1-rc.1", true)]     // pre-releases are matched, not hidden as Cargo's resolver would
    [InlineData("1.6.1", false)]
    [InlineData("2.0.0", false)]
    public void Smallvec_advisory_affects_exactly_the_versions_between_its_ranges(string version, bool affected)
    {
        var versions = AdvisoryVersions.Create([">= 0.6.14, < 1.0.0", ">= 1.6.1"], ["< 0.6.3"]);
        Assert.Equal(affected, versions.IsAffected(V(version)));
        Assert.Equal(2, versions.AffectedRanges.Count);
    }

    [Theory]
    [InlineData("1.4.9", false)]
    [InlineData("1.5.0", true)]
    [InlineData("1.9.0", true)]
    [InlineData("2.0.0-alpha", true)] // pre-releases are placed by precedence, never hidden
    [InlineData("1.1.0", true)]
    [InlineData("1.0.5", false)]
    public void Caret_and_exact_ranges_use_prerelease_aware_bounds(string version, bool affected)
    {
        // Patched: 1.0.x via tilde, and exactly 1.4.9; everything else affected.
        var versions = AdvisoryVersions.Create(["~1.0", "=1.4.9"], []);
        Assert.Equal(affected, versions.IsAffected(V(version)));
    }

    [Fact]
    public void Exclusive_lower_bound_starts_the_affected_range_after_it()
    {
        // Unaffected up to and including 1.0.0; patched from above 2.0.0: 1.0.1 .. 2.0.0 affected, 2.0.0 itself too.
        var versions = AdvisoryVersions.Create(["> 2.0.0"], ["<= 1.0.0"]);
        Assert.False(versions.IsAffected(V("1.0.0")));
        Assert.True(versions.IsAffected(V("1.0.1-0")));
        Assert.True(versions.IsAffected(V("2.0.0")));
        Assert.False(versions.IsAffected(V("2.0.1-0")));
    }

    [Fact]
    public void Overlapping_ranges_are_an_error_as_in_rustsec()
    {
        var e = Assert.Throws<AdvisoryFormatException>(() => AdvisoryVersions.Create([">= 1.0.0"], ["< 1.5.0"]));
        Assert.Contains("overlapping", e.Message);
    }
}
