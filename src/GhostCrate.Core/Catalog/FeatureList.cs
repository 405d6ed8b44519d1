namespace GhostCrate.Core.Catalog;

/// <summary>One thing a feature turns on: another feature, an optional dependency, or a feature of a dependency.</summary>
/// <param name="Text">The entry as written in Cargo.toml (`std`, `dep:serde`, `serde/derive`, `serde?/derive`).</param>
/// <param name="Feature">The feature of this crate it names, if any.</param>
/// <param name="Dependency">The dependency it enables or configures, if any.</param>
/// <param name="DependencyFeature">The dependency's feature it turns on (`derive` in `serde/derive`).</param>
/// <param name="Weak">`dep?/feat`: the feature applies only if something else enables the dependency.</param>
public sealed record FeatureEntry(string Text, string? Feature, DependencyInfo? Dependency, string? DependencyFeature, bool Weak);

/// <summary>A feature of a version; <see cref="ImplicitFor"/> is set for the feature cargo makes from an optional dependency.</summary>
public sealed record FeatureInfo(string Name, bool IsDefault, IReadOnlyList<FeatureEntry> Enables, DependencyInfo? ImplicitFor);

/// <summary>
/// Reads a version's features the way cargo does (https://doc.rust-lang.org/cargo/reference/features.html):
/// `dep:x` names an optional dependency, `x/f` and `x?/f` a dependency's feature, a bare name a feature, or an
/// optional dependency when no feature has that name. An optional dependency never named with `dep:` gets an
/// implicit feature of its own name (https://doc.rust-lang.org/cargo/reference/features.html#optional-dependencies).
/// </summary>
public static class FeatureList
{
    public static IReadOnlyList<FeatureInfo> Build(IReadOnlyDictionary<string, IReadOnlyList<string>> features, IReadOnlyList<DependencyInfo> dependencies)
    {
        // Features name dependencies by the name used in Cargo.toml (the rename when there is one).
        var byTomlName = new Dictionary<string, DependencyInfo>(StringComparer.Ordinal);
        foreach (var dep in dependencies.Where(d => d.Kind != "dev"))
            byTomlName.TryAdd(dep.Rename ?? dep.Name, dep);

        var explicitDeps = features.Values.SelectMany(v => v)
            .Where(e => e.StartsWith("dep:", StringComparison.Ordinal))
            .Select(e => e[4..])
            .ToHashSet(StringComparer.Ordinal);

        var list = new List<FeatureInfo>();
        foreach (var (name, enables) in features)
        {
            list.Add(new FeatureInfo(name, name == "default", [.. enables.Select(e => Entry(e, features, byTomlName))], null));
        }
        foreach (var (tomlName, dep) in byTomlName)
        {
            if (!dep.Optional || explicitDeps.Contains(tomlName) || features.ContainsKey(tomlName)) continue;
            list.Add(new FeatureInfo(tomlName, false, [new FeatureEntry("dep:" + tomlName, null, dep, null, false)], dep));
        }
        return [.. list.OrderBy(f => f.IsDefault ? 0 : 1).ThenBy(f => f.Name, StringComparer.Ordinal)];
    }

    private static FeatureEntry Entry(string text, IReadOnlyDictionary<string, IReadOnlyList<string>> features, Dictionary<string, DependencyInfo> deps)
    {
        if (text.StartsWith("dep:", StringComparison.Ordinal))
            return new FeatureEntry(text, null, deps.GetValueOrDefault(text[4..]), null, false);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var depName = text[..slash];
            var weak = depName.EndsWith('?');
            if (weak) depName = depName[..^1];
            return new FeatureEntry(text, null, deps.GetValueOrDefault(depName), text[(slash + 1)..], weak);
        }
        if (features.ContainsKey(text)) return new FeatureEntry(text, text, null, null, false);
        return deps.TryGetValue(text, out var dep) && dep.Optional
            ? new FeatureEntry(text, null, dep, null, false)
            : new FeatureEntry(text, text, null, null, false);
    }
}
