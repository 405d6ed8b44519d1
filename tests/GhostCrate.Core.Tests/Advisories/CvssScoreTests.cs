using GhostCrate.Core.Advisories;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>
/// Scores of well-known vectors (NVD) and of hand-worked v3.1 §7.1 formulas; v4.0 vectors are scored too
/// (Cvss4ScoreTests has their known answers); what is not a valid vector is refused with its reason.
/// </summary>
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
    // v4.0 goes through the same entry point (the FIRST calculator's answers).
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, AdvisorySeverity.Critical)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.2, AdvisorySeverity.High)]
    public void Score_and_band(string vector, double score, AdvisorySeverity severity)
    {
        Assert.True(CvssScore.TryScore(vector, out var actual));
        Assert.Equal(score, actual, 1);
        Assert.Equal(severity, CvssScore.SeverityOf(vector));
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a valid CVSS:3.1 vector: `X` is not a value of Base metric `AV`")]
    [InlineData("CVSS:3.1/AV:N/AC:L", "not a valid CVSS:3.1 vector: Base metric `PR` is missing")]
    [InlineData("CVSS:3.0/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric `AV` appears twice")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "not a valid CVSS:4.0 vector: Base metric `SA` is missing")]
    [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "`CVSS:2.0` is none of CVSS:3.0, CVSS:3.1, CVSS:4.0")]
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "`AV:N` is none of")]
    public void Invalid_vectors_are_refused_with_the_reason_and_have_unknown_severity(string vector, string reason)
    {
        Assert.Null(CvssScore.Score(vector, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.False(CvssScore.TryScore(vector, out _));
        Assert.Equal(AdvisorySeverity.Unknown, CvssScore.SeverityOf(vector));
    }

    [Fact]
    public void No_vector_has_unknown_severity_and_an_overlong_one_is_refused_before_it_is_read()
    {
        Assert.Equal(AdvisorySeverity.Unknown, CvssScore.SeverityOf(null));
        Assert.Null(CvssScore.Score("CVSS:4.0/" + new string('A', 300), out var error));
        Assert.Contains("longer than 256 characters", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, AdvisorySeverity.None)]
    [InlineData(0.1, AdvisorySeverity.Low)]
    [InlineData(3.9, AdvisorySeverity.Low)]
    [InlineData(4.0, AdvisorySeverity.Medium)]
    [InlineData(6.9, AdvisorySeverity.Medium)]
    [InlineData(7.0, AdvisorySeverity.High)]
    [InlineData(8.9, AdvisorySeverity.High)]
    [InlineData(9.0, AdvisorySeverity.Critical)]
    [InlineData(10.0, AdvisorySeverity.Critical)]
    public void Bands_are_those_of_v3_1_section_5_and_v4_0_section_6(double score, AdvisorySeverity band)
    {
        Assert.Equal(band, CvssScore.Band(score));
    }
}
