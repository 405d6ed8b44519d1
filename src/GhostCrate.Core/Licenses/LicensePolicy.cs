namespace GhostCrate.Core.Licenses;

public enum LicensePolicyMode
{
    /// <summary>Publish, and name the licence in the publish response's warnings (cargo prints them).</summary>
    Warn,
    /// <summary>Refuse the publish with a Cargo error naming the licence and the policy.</summary>
    Refuse,
}

/// <summary>
/// Allow and deny lists of licences. An expression is allowed when at least one of its `OR` alternatives uses only
/// allowed licences: a licensee may pick any alternative, so `MIT OR GPL-3.0-only` is fine under a policy denying GPL,
/// while `MIT AND GPL-3.0-only` is not. A licence is allowed when it is not denied and the allow list is empty or
/// names it. Entries are SPDX ids (which also cover their `+` form), `LicenseRef-...`, or `PREFIX*` patterns.
/// </summary>
public sealed record LicensePolicy(string Name, LicensePolicyMode Mode, IReadOnlyList<string> Allow, IReadOnlyList<string> Deny, bool AllowCustom)
{
    public const string RegistryName = "the registry's licence policy";

    /// <summary>A policy that allows everything (no lists, custom licences accepted).</summary>
    public bool IsOpen => Allow.Count == 0 && Deny.Count == 0 && AllowCustom;

    /// <summary>Null when the entry is usable, else why not.</summary>
    public static string? ValidateEntry(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry)) return "an entry is empty";
        if (entry.Length > 200) return $"an entry is {entry.Length} characters long; at most 200 are accepted";
        if (entry.EndsWith('*'))
        {
            var prefix = entry[..^1];
            return prefix.Length > 0 && prefix.All(IsIdChar)
                ? null
                : $"`{entry}` is not a pattern: write an SPDX id prefix followed by `*`, such as `GPL-*`";
        }
        if (SpdxLicenseList.IsLicense(entry)) return null;
        if (entry.StartsWith("LicenseRef-", StringComparison.Ordinal) && entry.Length > "LicenseRef-".Length && entry.All(IsIdChar)) return null;
        var hint = SpdxLicenseList.FindIgnoringCase(entry) is { } listed ? $" (ids are case-sensitive: did you mean `{listed}`?)" : "";
        return $"`{entry}` is not an SPDX licence id{hint}, a `LicenseRef-` or a `PREFIX*` pattern";
    }

    /// <summary>The verdict on a declared licence (an expression, or a crate with only `license-file`/no licence).</summary>
    public LicenseVerdict Evaluate(LicenseExpression? expression)
    {
        if (expression is null)
        {
            return AllowCustom
                ? LicenseVerdict.Allowed
                : new LicenseVerdict(false, [], $"the crate declares no SPDX licence (only `license-file`, or none), which {Name} does not accept");
        }
        if (IsAllowed(expression.Root)) return LicenseVerdict.Allowed;
        var refused = new List<string>();
        var reasons = new List<string>();
        foreach (var requirement in Requirements(expression.Root))
        {
            if (refused.Contains(requirement.License) || RefusalOf(requirement) is not { } why) continue;
            refused.Add(requirement.License);
            reasons.Add($"`{requirement.License}` {why}");
        }
        return new LicenseVerdict(false, refused, $"licence `{expression.Normalized}` is not allowed by {Name}: {string.Join("; ", reasons)}");
    }

    public bool IsAllowed(LicenseRequirement requirement) => RefusalOf(requirement) is null;

    private string? RefusalOf(LicenseRequirement requirement)
    {
        if (Deny.FirstOrDefault(entry => Matches(entry, requirement)) is { } denied) return $"is denied (`{denied}`)";
        if (Allow.Count > 0 && !Allow.Any(entry => Matches(entry, requirement))) return "is not on the allow list";
        return null;
    }

    private bool IsAllowed(LicenseNode node) => node switch
    {
        LicenseRequirement requirement => IsAllowed(requirement),
        LicenseAll all => all.Terms.All(IsAllowed),
        LicenseAny any => any.Terms.Any(IsAllowed),
        _ => false,
    };

    private static bool Matches(string entry, LicenseRequirement requirement) =>
        entry.EndsWith('*')
            ? requirement.Id.StartsWith(entry[..^1], StringComparison.Ordinal)
            : string.Equals(entry, requirement.Id, StringComparison.Ordinal) || string.Equals(entry, requirement.License, StringComparison.Ordinal);

    private static IEnumerable<LicenseRequirement> Requirements(LicenseNode node) => node switch
    {
        LicenseRequirement requirement => [requirement],
        LicenseAll all => all.Terms.SelectMany(Requirements),
        LicenseAny any => any.Terms.SelectMany(Requirements),
        _ => [],
    };

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '+' or ':';
}

/// <summary>What one policy says about a declared licence: allowed, or which licences it refuses and why.</summary>
public sealed record LicenseVerdict(bool IsAllowed, IReadOnlyList<string> RefusedLicenses, string? Reason)
{
    public static LicenseVerdict Allowed { get; } = new(true, [], null);
}
