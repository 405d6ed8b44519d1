using GhostCrate.Core.Licenses;
using GhostCrate.Core.Options;

namespace GhostCrate.Core.Tests.Licenses;

/// <summary>Policy verdicts: some OR-alternative must use only allowed, not denied, licences; entries are validated.</summary>
public sealed class LicensePolicyTests
{
    private static LicensePolicy Policy(string[] allow, string[] deny, bool allowCustom = true) =>
        new("the test policy", LicensePolicyMode.Refuse, allow, deny, allowCustom);

    [Theory]
    [InlineData("MIT OR Apache-2.0", "", "GPL-*", true)]
    [InlineData("GPL-3.0+", "", "GPL-*", false)]
    [InlineData("MIT OR GPL-3.0-only", "", "GPL-*", true)]
    [InlineData("MIT AND GPL-3.0-only", "", "GPL-*", false)]
    [InlineData("(MIT OR GPL-2.0-only) AND (Apache-2.0 OR AGPL-3.0-only)", "", "GPL-* AGPL-*", true)]
    [InlineData("(GPL-2.0-only OR GPL-3.0-only) AND MIT", "", "GPL-*", false)]
    [InlineData("LGPL-2.1-or-later", "", "GPL-*", true)]
    [InlineData("MIT", "Apache-2.0", "", false)]
    [InlineData("MIT OR Apache-2.0", "Apache-2.0", "", true)]
    [InlineData("Apache-2.0+", "Apache-2.0", "", true)]
    [InlineData("Apache-2.0 WITH LLVM-exception", "Apache-2.0", "", true)]
    [InlineData("MIT", "MIT", "MIT", false)]
    [InlineData("LicenseRef-Acme", "", "", true)]
    [InlineData("LicenseRef-Acme", "MIT", "", false)]
    [InlineData("LicenseRef-Acme", "MIT LicenseRef-Acme", "", true)]
    public void Verdicts(string expression, string allow, string deny, bool allowed)
    {
        var policy = Policy(allow.Split(' ', StringSplitOptions.RemoveEmptyEntries), deny.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var verdict = policy.Evaluate(LicenseExpressionParser.Parse(expression).Expression!);

        Assert.Equal(allowed, verdict.IsAllowed);
        if (!allowed) Assert.Contains("the test policy", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reason_names_each_refused_licence_and_why()
    {
        var verdict = Policy(["MIT", "GPL-3.0-only"], ["GPL-*"]).Evaluate(LicenseExpressionParser.Parse("Zlib AND GPL-3.0-only").Expression!);

        Assert.Equal(["Zlib", "GPL-3.0-only"], verdict.RefusedLicenses);
        Assert.Equal("licence `Zlib AND GPL-3.0-only` is not allowed by the test policy: `Zlib` is not on the allow list; `GPL-3.0-only` is denied (`GPL-*`)", verdict.Reason);
    }

    [Fact]
    public void Custom_licences_follow_the_setting()
    {
        Assert.True(Policy([], []).Evaluate(null).IsAllowed);
        var refused = Policy([], [], allowCustom: false).Evaluate(null);
        Assert.False(refused.IsAllowed);
        Assert.Contains("declares no SPDX licence", refused.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MIT", null)]
    [InlineData("GPL-*", null)]
    [InlineData("LicenseRef-Acme-1", null)]
    [InlineData("mit", "did you mean `MIT`")]
    [InlineData("Apache2", "not an SPDX licence id")]
    [InlineData("*", "not a pattern")]
    [InlineData("GPL *", "not a pattern")]
    [InlineData("", "empty")]
    public void Entries_are_validated(string entry, string? error)
    {
        var message = LicensePolicy.ValidateEntry(entry);
        if (error is null) Assert.Null(message);
        else Assert.Contains(error, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_with_bad_entries_fail_validation_naming_the_setting()
    {
        var errors = LicenseOptions.Validate(new LicenseOptions { Deny = ["GPL-*", "GPLv3"] }).ToList();
        var error = Assert.Single(errors);
        Assert.StartsWith("Licenses:Deny:1: `GPLv3`", error, StringComparison.Ordinal);
        Assert.Empty(LicenseOptions.Validate(new LicenseOptions { Allow = ["MIT", "Apache-2.0"], Deny = ["AGPL-*"] }));
    }
}
