using System.Globalization;
using System.Text.RegularExpressions;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Advisories.Cvss;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>
/// CVSS v4.0 scores with known answers: FIRST's reference calculator (https://www.first.org/cvss/calculator/4-0, its
/// code at https://github.com/RedHatProductSecurity/cvss-v4-calculator `cvss40.js`), whose answers for the vectors
/// below also match the test vectors of the `cvss` Python library (RedHatProductSecurity/cvss, tests/vectors_*4).
/// </summary>
public sealed partial class Cvss4ScoreTests
{
    [Theory]
    // The extremes: every impact High on both systems is the one 10.0; no impact at all is 0.0 whatever else.
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "000100")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "002201")]
    // Most severe vectors of their MacroVector: the lookup table's value, nothing subtracted.
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "000200")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H", 7.9, "002101")]
    // Interpolation: the severity distance below the MacroVector's most severe vectors lowers the score.
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9, "002201")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 5.1, "102201")]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3, "110200")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.7, "110200")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", 8.3, "011200")]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 4.6, "102201")]
    [InlineData("CVSS:4.0/AV:A/AC:H/AT:N/PR:L/UI:P/VC:L/VI:H/VA:N/SC:L/SI:N/SA:H", 5.7, "211100")]
    // Round half up after a tiny addition: these land on x.x5 less a floating-point error (5.65, 4.95); the first
    // FIRST calculator (plain Math.round) gave 5.6 and 4.9, the maintained one and the `cvss` library 5.7 and 5.0.
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L", 5.7, "111200")]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:L/SC:H/SI:H/SA:H", 5.0, "112101")]
    // Threat: Exploit Maturity Unreported or PoC lowers the score; Attacked equals Not Defined (§3.1).
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 9.1, "000120")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 5.2, "110220")]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 7.3, "210100")]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N/E:U", 0.1, "212221")]
    // Environmental: Modified Base metrics replace the Base ones; Safety (MSI/MSA:S) is EQ4's top level; low security
    // requirements lower the score (X counts as High, §4.1).
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVI:L/MSA:S", 9.8, "001000")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 8.7, "100200")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/MAV:N/MAC:H/MVC:H/MVI:L/MVA:L", 8.1, "011200")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:S", 8.9, "002001")]
    [InlineData("CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/CR:L/MVC:H", 5.5, "101201")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:L/IR:L/AR:L", 8.9, "000201")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N/E:U/CR:L", 2.7, "002221")]
    // Not Defined (X) written out changes nothing; Supplemental metrics never change the score (§5).
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X", 9.3, "000200")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:P/AU:Y/R:I/V:C/RE:H/U:Red", 10.0, "000100")]
    public void Known_vectors_score_as_the_reference_calculator_does(string vector, double expected, string macroVector)
    {
        var parsed = Cvss4Vector.TryParse(vector, out var error);
        Assert.True(parsed is not null, error);
        Assert.Equal(macroVector, Cvss4MacroVector.Of(parsed).ToString());
        Assert.Equal(expected, Cvss4Score.Score(parsed));
        Assert.Equal(expected, CvssScore.Score(vector, out _) ?? double.NaN);
    }

    /// <summary>
    /// A thousand random vectors over every metric group (Fixtures/cvss4-reference-scores.js made them and had the
    /// reference calculator score them; see Fixtures/README.md), so that each step is checked far beyond the cases above.
    /// </summary>
    [Fact]
    public void A_thousand_random_vectors_score_as_the_reference_calculator_does()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "cvss4-reference-scores.txt"));
        Assert.Equal(1000, lines.Length);
        var wrong = new List<string>();
        foreach (var line in lines)
        {
            var (vector, expected) = (line.Split(' ')[0], double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
            var actual = CvssScore.Score(vector, out var error);
            if (actual != expected) wrong.Add($"{vector}: expected {expected}, got {actual?.ToString(CultureInfo.InvariantCulture) ?? error}");
        }
        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS-B")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P", "CVSS-BT")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:L", "CVSS-BE")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/CR:L", "CVSS-BTE")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/AU:Y", "CVSS-B")]
    public void The_nomenclature_names_the_metric_groups_the_vector_defines(string vector, string nomenclature)
    {
        Assert.Equal(nomenclature, Cvss4Vector.TryParse(vector, out _)!.Nomenclature);
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "starts with `CVSS:4.0/`")]
    [InlineData("cvss:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "starts with `CVSS:4.0/`")]
    [InlineData("CVSS:4.0", "Base metric `AV` is missing")]
    [InlineData("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "Base metric `AT` is missing")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/AV:L", "metric `AV` appears twice")]
    [InlineData("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "Base metric `AV` is missing")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MVC:H/CR:L", "metric `CR` is out of order: the specification lists it before `MVC`")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:A", "metric `E` appears twice")]
    [InlineData("CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "`X` is not a value of `AV` (one of N, A, L, P)")]
    [InlineData("CVSS:4.0/AV:n/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "`n` is not a value of `AV`")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:S/SI:N/SA:N", "`S` is not a value of `SC`")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S", "`S` is not a value of `MSC`")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:C", "`C` is not a value of `S`")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/RL:O", "`RL` is not a CVSS v4.0 metric")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/", "`` is not of the form METRIC:VALUE")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA", "`SA` is not of the form METRIC:VALUE")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red", "`red` is not a value of `U`")]
    public void Invalid_vectors_are_refused_with_a_clear_error(string vector, string reason)
    {
        Assert.Null(Cvss4Vector.TryParse(vector, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Null(CvssScore.Score(vector, out _));
    }

    [Fact]
    public void The_lookup_table_holds_every_macrovector_that_can_occur_with_the_published_values()
    {
        Assert.Equal(270, Cvss4LookupTable.Count);
        var found = 0;
        for (var eq1 = 0; eq1 < 3; eq1++)
        for (var eq2 = 0; eq2 < 2; eq2++)
        for (var eq3 = 0; eq3 < 3; eq3++)
        for (var eq4 = 0; eq4 < 3; eq4++)
        for (var eq5 = 0; eq5 < 3; eq5++)
        for (var eq6 = 0; eq6 < 2; eq6++)
        {
            var present = Cvss4LookupTable.TryGet(new Cvss4MacroVector(eq1, eq2, eq3, eq4, eq5, eq6), out var score);
            // EQ3 = 2 (no High impact on the vulnerable system) cannot meet EQ6 = 0 (a High requirement on a High impact).
            Assert.Equal(!(eq3 == 2 && eq6 == 0), present);
            if (present) { found++; Assert.InRange(score, 0.1, 10.0); }
        }
        Assert.Equal(270, found);
        Assert.True(Cvss4LookupTable.TryGet(new Cvss4MacroVector(0, 0, 0, 0, 0, 0), out var top));
        Assert.Equal(10.0, top);
        Assert.True(Cvss4LookupTable.TryGet(new Cvss4MacroVector(0, 0, 2, 2, 2, 1), out var low));
        Assert.Equal(2.7, low);
        Assert.True(Cvss4LookupTable.TryGet(new Cvss4MacroVector(2, 1, 2, 2, 2, 1), out var bottom));
        Assert.Equal(0.1, bottom);
    }

    /// <summary>
    /// Every distinct CVSS v4.0 vector in the shared RustSec database (59 files, two of them with the vector commented
    /// out) with the reference calculator's score.
    /// </summary>
    [Theory]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:N/VI:H/VA:L/SC:H/SI:H/SA:H", 8.3)]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 9.4)]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 4.1)]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H", 6.8)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:N/VC:L/VI:H/VA:N/SC:H/SI:H/SA:H", 7.3)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:H/SI:N/SA:N", 8.9)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 1.8)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 5.6)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:P/VC:N/VI:L/VA:L/SC:N/SI:N/SA:N", 2.0)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:N/VC:L/VI:L/VA:H/SC:N/SI:N/SA:N", 6.1)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:N/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N", 2.3)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H", 6.9)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:A/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N", 7.4)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/E:U", 1.7)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 6.9)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N", 5.1)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 5.1)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N", 9.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:H/SI:H/SA:N", 9.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N", 8.7)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/E:P", 5.5)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N", 6.9)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:H/VA:N/SC:H/SI:H/SA:N", 8.4)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 9.0)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:H/SC:N/SI:N/SA:N", 6.1)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 2.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:N/VA:N/SC:L/SI:N/SA:N", 2.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:L", 2.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H", 6.9)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L", 5.9)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:P/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 5.9)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:L/SA:N", 9.1)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 8.2)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N", 8.2)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 6.3)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L", 8.2)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.2)]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 1.0)]
    public void RustSec_vectors_score_as_the_reference_calculator_does(string vector, double expected)
    {
        Assert.Equal(expected, CvssScore.Score(vector, out var error) ?? double.NaN);
        Assert.Null(error);
        Assert.Equal(CvssScore.Band(expected), CvssScore.SeverityOf(vector));
    }

    [Fact]
    public void Every_CVSS_4_vector_in_the_shared_RustSec_database_parses_scores_within_0_to_10_and_sets_the_advisory_severity()
    {
        var root = AdvisoryDatabaseLocator.Require();
        var files = 0;
        var vectors = new HashSet<string>(StringComparer.Ordinal);
        var scoredAdvisories = 0;
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, "crates"), "RUSTSEC-*.md", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(path);
            var found = Cvss4InText().Matches(text).Select(m => m.Value).ToList();
            if (found.Count == 0) continue;
            files++;
            foreach (var vector in found)
            {
                vectors.Add(vector);
                var score = CvssScore.Score(vector, out var error);
                Assert.True(score is not null, $"{path}: {error}");
                Assert.InRange(score.Value, 0.0, 10.0);
                var band = CvssScore.SeverityOf(vector);
                Assert.Equal(score == 0 ? AdvisorySeverity.None : score < 4 ? AdvisorySeverity.Low : score < 7 ? AdvisorySeverity.Medium
                    : score < 9 ? AdvisorySeverity.High : AdvisorySeverity.Critical, band);
            }
            // The advisory itself, when its front matter carries the vector (not only a comment), is scored with it.
            var advisory = AdvisoryParser.Parse(text).Advisory!;
            if (advisory.Cvss is { } cvss && cvss.StartsWith("CVSS:4.0/", StringComparison.Ordinal))
            {
                scoredAdvisories++;
                Assert.Equal(CvssScore.Score(cvss, out _), advisory.Score);
                Assert.NotEqual(AdvisorySeverity.Unknown, advisory.Severity);
            }
        }
        Assert.Equal(59, files);
        Assert.Equal(57, scoredAdvisories);
        Assert.Equal(41, vectors.Count);
    }

    [GeneratedRegex(@"CVSS:4\.0/[A-Za-z:/]+")]
    private static partial Regex Cvss4InText();
}
