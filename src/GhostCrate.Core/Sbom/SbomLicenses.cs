using System.Text.RegularExpressions;

namespace GhostCrate.Core.Sbom;

/// <summary>
/// A crate's `license` field as an SPDX expression. crates.io accepts `/` for OR
/// (https://doc.rust-lang.org/cargo/reference/manifest.html#the-license-and-license-file-fields); SBOM consumers expect
/// the SPDX spelling. Anything that is still not made of SPDX expression characters is not passed on as one.
/// </summary>
public static partial class SbomLicenses
{
    public static string? Expression(string? license)
    {
        if (string.IsNullOrWhiteSpace(license)) return null;
        var normalized = SlashPattern().Replace(license.Trim(), " OR ");
        return ExpressionPattern().IsMatch(normalized) ? normalized : null;
    }

    [GeneratedRegex(@"\s*/\s*")]
    private static partial Regex SlashPattern();

    // Licence ids, LicenseRef-, WITH/AND/OR, '+', and parentheses (SPDX 2.3 annex D).
    [GeneratedRegex(@"^[A-Za-z0-9.\-+ ()]{1,512}$")]
    private static partial Regex ExpressionPattern();
}
