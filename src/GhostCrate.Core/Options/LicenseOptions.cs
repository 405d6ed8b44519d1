using GhostCrate.Core.Licenses;

namespace GhostCrate.Core.Options;

/// <summary>Section Licenses: the registry's licence policy, checked at publish (docs/security.md, "Licences").</summary>
public sealed class LicenseOptions
{
    public const string Section = "Licenses";

    /// <summary>What a publish that breaks the policy gets: refused (`Refuse`) or published with a warning (`Warn`).</summary>
    public LicensePolicyMode Mode { get; set; } = LicensePolicyMode.Warn;

    /// <summary>When not empty, only these licences are allowed (SPDX ids, `LicenseRef-...`, or `PREFIX*` patterns).</summary>
    public List<string> Allow { get; set; } = [];

    /// <summary>Licences never allowed, even when on the allow list (same forms as Allow; e.g. `GPL-*`, `AGPL-*`).</summary>
    public List<string> Deny { get; set; } = [];

    /// <summary>Whether a crate with only `license-file` (or no licence at all) is accepted; it is flagged "custom" either way.</summary>
    public bool AllowCustom { get; set; } = true;

    public LicensePolicy ToPolicy() => new(LicensePolicy.RegistryName, Mode, Allow, Deny, AllowCustom);

    public static IEnumerable<string> Validate(LicenseOptions options)
    {
        if (!Enum.IsDefined(options.Mode)) yield return $"{Section}:Mode must be Warn or Refuse (got '{options.Mode}')";
        foreach (var (list, entries) in new[] { ("Allow", options.Allow), ("Deny", options.Deny) })
        {
            for (var i = 0; i < entries.Count; i++)
            {
                if (LicensePolicy.ValidateEntry(entries[i]) is { } error) yield return $"{Section}:{list}:{i}: {error}";
            }
        }
    }
}
