using GhostCrate.Core.Advisories;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>
/// Vectors from the rustsec crate's `osv/unaffected_range.rs` tests: Cargo's caret and tilde tables with upper
/// bounds moved to `X.Y.Z-0` so that pre-releases of the next version are outside.
/// </summary>
public sealed class UnaffectedRangeTests
{
    [Theory]
    [InlineData("=1.0", "1.0.0", "1.0.0", BoundKind.Inclusive)]
    [InlineData("^1.2.3", "1.2.3", "2.0.0-0", BoundKind.Exclusive)]
    [InlineData("^1.2", "1.2.0", "2.0.0-0", BoundKind.Exclusive)]
    [InlineData("^1", "1.0.0", "2.0.0-0", BoundKind.Exclusive)]
    [InlineData("^0.2.3", "0.2.3", "0.3.0-0", BoundKind.Exclusive)]
    [InlineData("^0.2", "0.2.0", "0.3.0-0", BoundKind.Exclusive)]
    [InlineData("^0.0.3", "0.0.3", "0.0.4-0", BoundKind.Exclusive)]
    [InlineData("^0.0", "0.0.0", "0.1.0-0", BoundKind.Exclusive)]
    [InlineData("^0", "0.0.0", "1.0.0-0", BoundKind.Exclusive)]
    [InlineData("~1.2.3", "1.2.3", "1.3.0-0", BoundKind.Exclusive)]
    [InlineData("~1.2", "1.2.0", "1.3.0-0", BoundKind.Exclusive)]
    [InlineData("~1", "1.0.0", "2.0.0-0", BoundKind.Exclusive)]
    // A bare version is a caret requirement, as in the semver crate.
    [InlineData("1.2.3", "1.2.3", "2.0.0-0", BoundKind.Exclusive)]
    public void Requirements_with_both_bounds_become_the_expected_interval(string req, string start, string end, BoundKind endKind)
    {
        var range = UnaffectedRange.Parse(req);
        Assert.Equal(VersionBound.Inclusive(SemVersion.Parse(start)), range.Start);
        Assert.Equal(new VersionBound(endKind, SemVersion.Parse(end)), range.End);
    }

    [Fact]
    public void One_sided_requirements_leave_the_other_side_open()
    {
        var lower = UnaffectedRange.Parse(">= 1.6.1");
        Assert.Equal(VersionBound.Inclusive(SemVersion.Parse("1.6.1")), lower.Start);
        Assert.Equal(BoundKind.Unbounded, lower.End.Kind);

        var upper = UnaffectedRange.Parse("< 0.6.3");
        Assert.Equal(BoundKind.Unbounded, upper.Start.Kind);
        Assert.Equal(VersionBound.Exclusive(SemVersion.Parse("0.6.3")), upper.End);

        var both = UnaffectedRange.Parse("> 0.1.0, <= 0.2.0");
        Assert.Equal(VersionBound.Exclusive(SemVersion.Parse("0.1.0")), both.Start);
        Assert.Equal(VersionBound.Inclusive(SemVersion.Parse("0.2.0")), both.End);
    }

    [Theory]
    [InlineData(">= 1.0.0, >= 2.0.0")]      // two lower bounds
    [InlineData("< 1.0.0, <= 2.0.0")]       // two upper bounds
    [InlineData("^1.0, < 1.5")]             // caret sets both bounds, must stand alone
    [InlineData("=1.0.0, < 2.0.0")]
    [InlineData(">= 1.0.0, < 2.0.0, < 3.0.0")]
    [InlineData(">= 2.0.0, < 1.0.0")]       // start after end
    [InlineData("> 1.0.0, < 1.0.0")]
    [InlineData("1.*")]                     // wildcards are not supported by RustSec
    [InlineData("not a version")]
    public void Malformed_requirements_are_rejected(string req)
    {
        Assert.Throws<AdvisoryFormatException>(() => UnaffectedRange.Parse(req));
    }

    // rustsec's overlap vectors: both unbounded; barely (not) overlapping at 1.2.3; clearly (not) overlapping.
    [Theory]
    [InlineData("*", "*", true)]
    [InlineData(">= 1.2.3", "< 1.2.3", false)]
    [InlineData(">= 1.2.3", "<= 1.2.3", true)]
    [InlineData(">= 0.1.0, <= 0.3.0", ">= 1.1.0, <= 1.3.0", false)]
    [InlineData(">= 0.1.0, <= 1.1.0", ">= 0.2.0, <= 1.3.0", true)]
    public void Overlap_is_symmetric_and_matches_rustsec(string a, string b, bool overlaps)
    {
        var ra = UnaffectedRange.Parse(a);
        var rb = UnaffectedRange.Parse(b);
        Assert.Equal(overlaps, ra.Overlaps(rb));
        Assert.Equal(overlaps, rb.Overlaps(ra));
    }
}
