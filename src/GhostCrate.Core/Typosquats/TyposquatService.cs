namespace GhostCrate.Core.Typosquats;

/// <summary>
/// Whether a new crate name looks like an existing private crate or a popular crates.io crate (docs/security.md
/// "Typosquats"). A match is a warning for the publisher and the administrators, not a refusal: `serde-rs` may be
/// a company's honest wrapper, and only a person can tell.
/// </summary>
public sealed class TyposquatService(IPrivateCrateNames privateNames)
{
    /// <returns>The matches, private crates first, then by name; empty for an unremarkable name.</returns>
    public async Task<IReadOnlyList<TyposquatMatch>> FindAsync(string name, CancellationToken cancellationToken)
    {
        var variants = TyposquatNames.Variants(name);
        var existing = await privateNames.ExistingAsync([.. variants.Keys], cancellationToken);
        var matches = new List<TyposquatMatch>();
        foreach (var (canonical, spelling) in existing.OrderBy(e => e.Key, StringComparer.Ordinal))
            matches.Add(new TyposquatMatch(spelling, variants[canonical], Popular: false));
        foreach (var (canonical, rule) in variants.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            // A private crate of that name shadows the public one here: reported once, as the private crate.
            if (!existing.ContainsKey(canonical) && PopularCrates.ByCanonicalName.TryGetValue(canonical, out var popular))
                matches.Add(new TyposquatMatch(popular, rule, Popular: true));
        }
        return matches;
    }

    /// <summary>The publish warning (cargo prints it after the upload).</summary>
    public static string Warning(string name, TyposquatMatch match) =>
        $"the crate name `{name}` is close to {(match.Popular ? "the popular crates.io crate" : "the existing crate")} `{match.Existing}` ({match.Describe()}); " +
        "if that is not intended, choose another name; this was recorded for the registry's administrators";
}
