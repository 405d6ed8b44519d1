using System.Collections.Frozen;

namespace GhostCrate.Core.Typosquats;

/// <summary>The vendored list of popular crates.io names (Typosquats/popular-crates.txt, see its SOURCE.md), canonical name → spelling.</summary>
public static class PopularCrates
{
    private static readonly Lazy<FrozenDictionary<string, string>> Names = new(Load);

    public static IReadOnlyDictionary<string, string> ByCanonicalName => Names.Value;

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(PopularCrates).Assembly.GetManifestResourceStream("GhostCrate.Core.Typosquats.popular-crates.txt")
            ?? throw new InvalidOperationException("The embedded list Typosquats/popular-crates.txt is missing.");
        using var reader = new StreamReader(stream);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var name = line.Trim();
            if (name.Length == 0 || name.StartsWith('#')) continue;
            names.TryAdd(TyposquatNames.Canonical(name), name);
        }
        return names.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
