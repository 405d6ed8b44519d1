using GhostCrate.Core.Licenses;

namespace GhostCrate.Core.Tests.Licenses;

/// <summary>
/// crates.io's licence rules (its `src/licenses.rs` test vectors, plus the spdx crate's grammar): what parses, how it is
/// normalised, and that what is refused names the offending token.
/// </summary>
public sealed class LicenseExpressionParserTests
{
    [Theory]
    // crates.io's own vectors.
    [InlineData("MIT", "MIT", "MIT")]
    [InlineData("MIT OR Apache-2.0", "MIT OR Apache-2.0", "MIT Apache-2.0")]
    [InlineData("MIT/Apache-2.0", "MIT OR Apache-2.0", "MIT Apache-2.0")]
    [InlineData("MIT AND Apache-2.0", "MIT AND Apache-2.0", "MIT Apache-2.0")]
    [InlineData("MIT OR (Apache-2.0 AND MIT)", "MIT OR Apache-2.0 AND MIT", "MIT Apache-2.0")]
    [InlineData("GPL-3.0+", "GPL-3.0-or-later", "GPL-3.0-or-later")]
    // `+` on GNU ids becomes -or-later; on others it stays a `+`.
    [InlineData("GPL-2.0-only+", "GPL-2.0-or-later", "GPL-2.0-or-later")]
    [InlineData("LGPL-2.1+ OR MIT", "LGPL-2.1-or-later OR MIT", "LGPL-2.1-or-later MIT")]
    [InlineData("Apache-2.0+", "Apache-2.0+", "Apache-2.0+")]
    [InlineData("GPL-3.0", "GPL-3.0", "GPL-3.0")]
    // WITH, parentheses, precedence.
    [InlineData("Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception", "Apache-2.0")]
    [InlineData("(MIT OR Apache-2.0) AND Unicode-DFS-2016", "(MIT OR Apache-2.0) AND Unicode-DFS-2016", "MIT Apache-2.0 Unicode-DFS-2016")]
    [InlineData("Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT", "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT", "Apache-2.0 MIT")]
    [InlineData("MIT AND Apache-2.0 OR BSD-3-Clause", "MIT AND Apache-2.0 OR BSD-3-Clause", "MIT Apache-2.0 BSD-3-Clause")]
    [InlineData("MIT AND (Apache-2.0 OR BSD-3-Clause)", "MIT AND (Apache-2.0 OR BSD-3-Clause)", "MIT Apache-2.0 BSD-3-Clause")]
    [InlineData("((MIT))", "MIT", "MIT")]
    [InlineData("(MIT OR Apache-2.0) OR Zlib", "MIT OR Apache-2.0 OR Zlib", "MIT Apache-2.0 Zlib")]
    [InlineData("  MIT   OR\tApache-2.0 ", "MIT OR Apache-2.0", "MIT Apache-2.0")]
    [InlineData("MIT/Apache-2.0/Zlib", "MIT OR Apache-2.0 OR Zlib", "MIT Apache-2.0 Zlib")]
    [InlineData("MIT / Apache-2.0", "MIT OR Apache-2.0", "MIT Apache-2.0")]
    [InlineData("Unlicense/MIT", "Unlicense OR MIT", "Unlicense MIT")]
    // LicenseRef- and DocumentRef- are SPDX's own escape hatch.
    [InlineData("LicenseRef-Acme-Proprietary", "LicenseRef-Acme-Proprietary", "LicenseRef-Acme-Proprietary")]
    [InlineData("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2 OR MIT", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2 OR MIT", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2 MIT")]
    [InlineData("GPL-2.0-or-later WITH Classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0", "GPL-2.0-or-later")]
    [InlineData("MIT WITH AdditionRef-Acme", "MIT WITH AdditionRef-Acme", "MIT")]
    public void Valid_expressions_are_normalised(string input, string normalized, string ids)
    {
        var result = LicenseExpressionParser.Parse(input);

        Assert.True(result.IsValid, result.Error?.Message);
        Assert.Equal(normalized, result.Expression!.Normalized);
        Assert.Equal(ids.Split(' '), result.Expression.LicenseIds);
        // The normalised form is strict SPDX and a fixed point.
        Assert.Equal(normalized, LicenseExpressionParser.Parse(normalized).Expression!.Normalized);
    }

    [Theory]
    // crates.io's vector, and the imprecise names the spdx crate's LAX mode would map but crates.io refuses.
    [InlineData("apache 2.0", "apache")]
    [InlineData("Apache2", "Apache2")]
    [InlineData("GPLv3", "GPLv3")]
    [InlineData("MIT OR Apache2", "Apache2")]
    [InlineData("BSD", "BSD")]
    // Lower-case (and mixed-case) operators.
    [InlineData("MIT or Apache-2.0", "or")]
    [InlineData("MIT and Apache-2.0", "and")]
    [InlineData("Apache-2.0 with LLVM-exception", "with")]
    [InlineData("MIT Or Apache-2.0", "Or")]
    // Case-sensitive ids.
    [InlineData("mit", "mit")]
    [InlineData("apache-2.0", "apache-2.0")]
    // Structure.
    [InlineData("MIT Apache-2.0", "Apache-2.0")]
    [InlineData("MIT OR", null)]
    [InlineData("OR MIT", "OR")]
    [InlineData("(MIT OR Apache-2.0", "(")]
    [InlineData("MIT)", ")")]
    [InlineData("()", ")")]
    [InlineData("MIT //Apache-2.0", "/")]
    [InlineData("MIT, Apache-2.0", ",")]
    [InlineData("MIT OR Apache-2.0;", ";")]
    // `+` rules.
    [InlineData("MIT +", "+")]
    [InlineData("GPL-3.0-or-later+", "GPL-3.0-or-later+")]
    [InlineData("LicenseRef-Acme+", "+")]
    [InlineData("+MIT", "+")]
    // WITH rules.
    [InlineData("MIT WITH Apache-2.0", "Apache-2.0")]
    [InlineData("MIT WITH", "WITH")]
    [InlineData("LLVM-exception", "LLVM-exception")]
    [InlineData("Apache-2.0 WITH llvm-exception", "llvm-exception")]
    [InlineData("(MIT) WITH LLVM-exception", "WITH")]
    [InlineData("LicenseRef-", "LicenseRef-")]
    public void Invalid_expressions_name_the_bad_token(string input, string? token)
    {
        var result = LicenseExpressionParser.Parse(input);

        Assert.False(result.IsValid, $"`{input}` parsed as `{result.Expression?.Normalized}`");
        Assert.Equal(token, result.Error!.Token);
        if (token is not null) Assert.Contains($"`{token}", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Empty_expressions_are_refused(string? input)
    {
        var result = LicenseExpressionParser.Parse(input);
        Assert.False(result.IsValid);
        Assert.Contains("empty", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hints_say_what_was_meant()
    {
        Assert.Contains("did you mean `MIT`", LicenseExpressionParser.Parse("mit").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("write `OR`", LicenseExpressionParser.Parse("MIT or Apache-2.0").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("imprecise", LicenseExpressionParser.Parse("GPLv3").Error!.Message, StringComparison.Ordinal);
        Assert.Contains("not a licence exception", LicenseExpressionParser.Parse("MIT WITH Apache-2.0").Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_input_is_bounded()
    {
        var deep = new string('(', 200) + "MIT" + new string(')', 200);
        Assert.Contains("nested deeper", LicenseExpressionParser.Parse(deep).Error!.Message, StringComparison.Ordinal);
        var nested = new string('(', LicenseExpressionParser.MaxDepth) + "MIT" + new string(')', LicenseExpressionParser.MaxDepth);
        Assert.True(LicenseExpressionParser.Parse(nested).IsValid);
        var longText = string.Join(" OR ", Enumerable.Repeat("MIT", 1000));
        Assert.Contains("characters long", LicenseExpressionParser.Parse(longText).Error!.Message, StringComparison.Ordinal);
    }

    /// <summary>Sweep over the vendored list: every id parses as itself, `+` follows the GNU rule, every exception combines with WITH.</summary>
    [Fact]
    public void Every_listed_id_and_exception_parses()
    {
        Assert.True(SpdxLicenseList.LicenseCount > 700, $"only {SpdxLicenseList.LicenseCount} licence ids were loaded");
        Assert.True(SpdxLicenseList.ExceptionCount > 60, $"only {SpdxLicenseList.ExceptionCount} exceptions were loaded");
        foreach (var id in ReadList("license-ids").Concat(ReadList("license-ids-deprecated")))
        {
            var plain = LicenseExpressionParser.Parse(id);
            Assert.True(plain.IsValid, $"{id}: {plain.Error?.Message}");
            Assert.Equal(id, plain.Expression!.Normalized);
            var plus = LicenseExpressionParser.Parse(id + "+");
            if (!SpdxLicenseList.IsGnu(id)) Assert.Equal(id + "+", plus.Expression?.Normalized);
            else if (id.EndsWith("-or-later", StringComparison.Ordinal)) Assert.False(plus.IsValid, id);
            else if (plus.IsValid) Assert.EndsWith("-or-later", plus.Expression!.Normalized, StringComparison.Ordinal);
        }
        foreach (var exception in ReadList("exception-ids"))
        {
            var with = LicenseExpressionParser.Parse($"GPL-2.0-or-later WITH {exception}");
            Assert.True(with.IsValid, $"{exception}: {with.Error?.Message}");
        }
    }

    private static List<string> ReadList(string name)
    {
        using var stream = typeof(SpdxLicenseList).Assembly.GetManifestResourceStream($"GhostCrate.Core.Licenses.{name}.json")!;
        return System.Text.Json.JsonSerializer.Deserialize<List<string>>(stream)!;
    }
}
