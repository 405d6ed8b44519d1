using GhostCrate.Core.Advisories;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>Scores of well-known vectors (NVD) and of hand-worked v3.1 §7.1 formulas.</summary>
public sealed class CvssScoreTests
{
    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, AdvisorySeverity.Critical)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, AdvisorySeverity.Critical)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, AdvisorySeverity.High)]
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, AdvisorySeverity.Medium)]
    [InlineData("CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N", 2.2, AdvisorySeverity.Low)]
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, AdvisorySeverity.Medium)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, AdvisorySeverity.None)]
    public void Base_score_and_band(string vector, double score, AdvisorySeverity severity)
    {
        Assert.True(CvssScore.TryBaseScore(vector, out var actual));
        Assert.Equal(score, actual, 1);
        Assert.Equal(severity, CvssScore.SeverityOf(vector));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")]
    [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:3.1/AV:N/AC:L")]
    public void Unscored_vectors_have_unknown_severity(string? vector)
    {
        Assert.Equal(AdvisorySeverity.Unknown, CvssScore.SeverityOf(vector));
    }
}
