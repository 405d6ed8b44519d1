using System.Collections.Frozen;
using System.Text.Json;

namespace GhostCrate.Core.Licenses;

/// <summary>
/// The SPDX licence and exception identifiers, vendored as data (Licenses/Data/SOURCE.md) so that checks work offline.
/// Identifiers are case-sensitive (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/, D.2): crates.io's
/// parser looks them up exactly, so do we; the case-insensitive lookup only feeds "did you mean" hints.
/// </summary>
public static class SpdxLicenseList
{
    /// <summary>Where the vendored list comes from; shown in docs/security.md and on /admin/licenses.</summary>
    public const string Source = "spdx-license-ids 3.0.24, spdx-exceptions 2.5.0 (npm)";

    private static readonly Lazy<Lists> Data = new(Load);

    public static int LicenseCount => Data.Value.Licenses.Count;
    public static int ExceptionCount => Data.Value.Exceptions.Count;

    /// <summary>A current or deprecated SPDX licence id (crates.io allows deprecated ids such as `GPL-3.0`).</summary>
    public static bool IsLicense(string id) => Data.Value.Licenses.Contains(id);

    public static bool IsDeprecatedLicense(string id) => Data.Value.DeprecatedLicenses.Contains(id);

    public static bool IsException(string id) => Data.Value.Exceptions.Contains(id);

    /// <summary>
    /// The GNU families express "or later" with an `-or-later` suffix rather than `+` (SPDX licence list 3.0); the
    /// spdx crate marks these ids as GNU and rewrites `GPL-3.0+` to `GPL-3.0-or-later`.
    /// </summary>
    public static bool IsGnu(string id) =>
        id.StartsWith("GPL-", StringComparison.Ordinal) || id.StartsWith("LGPL-", StringComparison.Ordinal)
        || id.StartsWith("AGPL-", StringComparison.Ordinal) || id.StartsWith("GFDL-", StringComparison.Ordinal);

    /// <summary>The listed spelling of an id that differs only in letter case, for an error hint.</summary>
    public static string? FindIgnoringCase(string id) =>
        Data.Value.ByUpperCase.TryGetValue(id.ToUpperInvariant(), out var listed) ? listed : null;

    private sealed record Lists(
        FrozenSet<string> Licenses,
        FrozenSet<string> DeprecatedLicenses,
        FrozenSet<string> Exceptions,
        FrozenDictionary<string, string> ByUpperCase);

    private static Lists Load()
    {
        var current = Read("license-ids");
        var deprecated = Read("license-ids-deprecated");
        var exceptions = Read("exception-ids").Concat(Read("exception-ids-deprecated")).ToList();
        var all = current.Concat(deprecated).ToList();
        var byUpper = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in all.Concat(exceptions)) byUpper.TryAdd(id.ToUpperInvariant(), id);
        return new Lists(
            all.ToFrozenSet(StringComparer.Ordinal),
            deprecated.ToFrozenSet(StringComparer.Ordinal),
            exceptions.ToFrozenSet(StringComparer.Ordinal),
            byUpper.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static List<string> Read(string name)
    {
        var resource = $"GhostCrate.Core.Licenses.{name}.json";
        using var stream = typeof(SpdxLicenseList).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded SPDX list {resource} is missing from the build.");
        return JsonSerializer.Deserialize<List<string>>(stream) ?? throw new InvalidOperationException($"{resource} is not a JSON array of strings.");
    }
}
