using GhostCrate.Core.Advisories;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Tests.Advisories;

public sealed class AdvisoryParserTests
{
    private const string Example = """
        ```toml
        [advisory]
        id = "RUSTSEC-2001-2101"
        package = "base"
        date = "2001-02-03"
        url = "https://www.youtube.com/watch?v=jQE66WA2s-A"
        categories = ["code-execution", "privilege-escalation"]
        keywords = ["how", "are", "you", "gentlemen"]
        aliases = ["CVE-2001-2101"]
        cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"

        [affected]
        arch = ["x86"]
        os = ["windows"]

        [affected.functions]
        "base::belongs::All" = ["< 1.2.3"]

        [versions]
        patched = [">= 1.2.3"]
        unaffected = ["< 0.1.2"]
        ```

        # All your base are belong to us

        You have no chance to survive. Make your time.
        """;

    [Fact]
    public void Parses_metadata_title_description_and_ranges()
    {
        var result = AdvisoryParser.Parse(Example);
        Assert.True(result.IsSuccess, result.Error);
        var a = result.Advisory!;
        Assert.Equal("RUSTSEC-2001-2101", a.Id);
        Assert.Equal("base", a.Package);
        Assert.Equal(new DateOnly(2001, 2, 3), a.Date);
        Assert.Equal("All your base are belong to us", a.Title);
        Assert.Equal("You have no chance to survive. Make your time.", a.Description);
        Assert.Equal(["code-execution", "privilege-escalation"], a.Categories);
        Assert.Equal(["how", "are", "you", "gentlemen"], a.Keywords);
        Assert.Equal(["CVE-2001-2101"], a.Aliases);
        Assert.Equal(AdvisorySeverity.Critical, a.Severity);
        Assert.Equal(["x86"], a.Affected.Arch);
        Assert.Equal(["windows"], a.Affected.Os);
        Assert.Equal(["< 1.2.3"], a.Affected.Functions["base::belongs::All"]);
        Assert.False(a.IsWithdrawn);
        Assert.False(a.IsWarning);
        Assert.True(a.Versions.IsAffected(SemVersion.Parse("1.2.2")));
        Assert.False(a.Versions.IsAffected(SemVersion.Parse("1.2.3")));
        Assert.False(a.Versions.IsAffected(SemVersion.Parse("0.1.1")));
    }

    [Fact]
    public void Informational_and_withdrawn_are_read()
    {
        var text = Example
            .Replace("date = \"2001-02-03\"", "date = \"2001-02-03\"\ninformational = \"unmaintained\"\nwithdrawn = \"2002-01-01\"", StringComparison.Ordinal);
        var a = AdvisoryParser.Parse(text).Advisory!;
        Assert.Equal("unmaintained", a.Informational);
        Assert.True(a.IsWarning);
        Assert.Equal(new DateOnly(2002, 1, 1), a.Withdrawn);
        Assert.True(a.IsWithdrawn);
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, AdvisorySeverity.Critical)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.2, AdvisorySeverity.High)]
    [InlineData("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/E:U", 1.7, AdvisorySeverity.Low)]
    public void The_cvss_vector_gives_the_score_and_severity(string vector, double score, AdvisorySeverity severity)
    {
        var a = AdvisoryParser.Parse(Example.Replace("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", vector, StringComparison.Ordinal)).Advisory!;
        Assert.Equal(vector, a.Cvss);
        Assert.Equal(score, a.Score);
        Assert.Equal(severity, a.Severity);
        var unscored = AdvisoryParser.Parse(Example.Replace("cvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H\"\n", "", StringComparison.Ordinal)).Advisory!;
        Assert.Null(unscored.Cvss);
        Assert.Null(unscored.Score);
        Assert.Equal(AdvisorySeverity.Unknown, unscored.Severity);
    }

    /// <summary>RustSec's own parser refuses an invalid vector; so does ours, naming what is wrong.</summary>
    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:Q", "`cvss` is not a valid CVSS:4.0 vector: `Q` is not a value of `SA`")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "`cvss` is not a valid CVSS:4.0 vector: Base metric `SA` is missing")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "`cvss` is not a valid CVSS:3.1 vector: Base metric `S` is missing")]
    [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "`cvss` is not a CVSS vector RustSec advisories use")]
    public void An_invalid_cvss_vector_fails_the_advisory_with_the_reason(string vector, string reason)
    {
        var result = AdvisoryParser.Parse(Example.Replace("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", vector, StringComparison.Ordinal));
        Assert.False(result.IsSuccess);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[advisory]\nid = \"x\"", "```toml")]
    [InlineData("```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\n", "not closed")]
    [InlineData("```toml\n[advisory\n```\n# T\n", "not valid TOML")]
    // A key defined twice: read leniently, the registry would see one of the two ids.
    [InlineData("```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\nid = \"RUSTSEC-2001-0002\"\npackage = \"a\"\ndate = \"2001-01-01\"\n[versions]\npatched = []\n```\n# T\n", "not valid TOML")]
    [InlineData("```toml\n[advisory]\nid = \"CVE-1\"\npackage = \"a\"\ndate = \"2001-01-01\"\n[versions]\npatched = []\n```\n# T\n", "RUSTSEC-YYYY-NNNN")]
    [InlineData("```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\npackage = \"../x\"\ndate = \"2001-01-01\"\n[versions]\npatched = []\n```\n# T\n", "crate name")]
    [InlineData("```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\npackage = \"a\"\ndate = \"yesterday\"\n[versions]\npatched = []\n```\n# T\n", "date")]
    [InlineData("```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\npackage = \"a\"\ndate = \"2001-01-01\"\n```\n# T\n", "[versions]")]
    [InlineData("```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\npackage = \"a\"\ndate = \"2001-01-01\"\n[versions]\npatched = [1]\n```\n# T\n", "array of strings")]
    [InlineData("```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\npackage = \"a\"\ndate = \"2001-01-01\"\n[versions]\npatched = [\">= 1.0\", \">= 2.0\"]\n```\n# T\n", "overlapping")]
    [InlineData("```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\npackage = \"a\"\ndate = \"2001-01-01\"\n[versions]\npatched = []\n```\nno heading\n", "heading")]
    public void Malformed_files_fail_with_a_reason(string text, string reasonContains)
    {
        var result = AdvisoryParser.Parse(text);
        Assert.False(result.IsSuccess);
        Assert.Contains(reasonContains, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_files_are_refused_before_parsing()
    {
        var result = AdvisoryParser.Parse(Example + new string('x', 100), new AdvisoryLimits { MaxFileBytes = Example.Length });
        Assert.False(result.IsSuccess);
        Assert.Contains("larger than", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_front_matter_is_refused()
    {
        var nested = string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40));
        var text = $"```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\npackage = \"a\"\ndate = \"2001-01-01\"\nx = {nested}\n[versions]\npatched = []\n```\n# T\n";
        var result = AdvisoryParser.Parse(text);
        Assert.False(result.IsSuccess);
    }

    [Fact]
    public void Too_many_ranges_are_refused()
    {
        var ranges = string.Join(", ", Enumerable.Range(0, 10).Select(i => $"\"={i}.0.0\""));
        var text = $"```toml\n[advisory]\nid = \"RUSTSEC-2001-0001\"\npackage = \"a\"\ndate = \"2001-01-01\"\n[versions]\npatched = [{ranges}]\n```\n# T\n";
        Assert.True(AdvisoryParser.Parse(text).IsSuccess);
        var result = AdvisoryParser.Parse(text, new AdvisoryLimits { MaxRanges = 5 });
        Assert.Contains("more than 5", result.Error, StringComparison.Ordinal);
    }
}
