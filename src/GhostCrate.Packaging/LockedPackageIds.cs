namespace GhostCrate.Packaging;

/// <summary>
/// Cargo's rules for the package ids in a Cargo.lock's `dependencies` arrays (cargo's `EncodablePackageId` and
/// `lookup_id` in src/cargo/core/resolver/encode.rs): `name`, `name version` or `name version (source)`, where the
/// version is written only when the lock file holds several versions of the name, and the source only when several
/// sources hold that version. Path packages never carry a source.
/// </summary>
internal sealed class LockedPackageIds
{
    private readonly Dictionary<string, List<int>> _byName = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<LockedPackage> _packages;

    public LockedPackageIds(IReadOnlyList<LockedPackage> packages)
    {
        _packages = packages;
        for (var i = 0; i < packages.Count; i++)
        {
            if (!_byName.TryGetValue(packages[i].Name, out var list)) _byName[packages[i].Name] = list = [];
            // A package listed twice (a bad merge) is the same package: the first one stands for both.
            if (!list.Any(j => packages[j].Version == packages[i].Version && packages[j].Source == packages[i].Source)) list.Add(i);
        }
    }

    public readonly record struct Id(string Name, string? Version, string? Source);

    public static bool TryParse(string spec, out Id id)
    {
        var parts = spec.Split(' ', 3);
        id = default;
        if (parts[0].Length == 0 || parts.Any(p => p.Length == 0)) return false;
        string? source = null;
        if (parts.Length == 3)
        {
            if (parts[2].Length < 2 || parts[2][0] != '(' || parts[2][^1] != ')') return false;
            source = parts[2][1..^1];
        }
        id = new Id(parts[0], parts.Length > 1 ? parts[1] : null, source);
        return true;
    }

    /// <summary>
    /// The index of the package <paramref name="id"/> names, or null when it names none or several. Cargo ignores
    /// such an entry too (it reads the rest of the lock file and resolves again), so it is not an error.
    /// </summary>
    public int? Find(Id id)
    {
        if (!_byName.TryGetValue(id.Name, out var sameName)) return null;
        List<int> candidates;
        if (id.Version is { } version)
        {
            candidates = [.. sameName.Where(i => _packages[i].Version == version)];
        }
        else
        {
            // Without a version the name must have one version only.
            if (sameName.Select(i => _packages[i].Version).Distinct(StringComparer.Ordinal).Count() != 1) return null;
            candidates = sameName;
        }
        if (id.Source is { } source)
        {
            var bySource = candidates.Where(i => _packages[i].Source == source).ToList();
            return bySource.Count == 1 ? bySource[0] : null;
        }
        // No source: a single path package wins (path packages are never written with one), else the only candidate.
        var paths = candidates.Where(i => _packages[i].Source is null).ToList();
        if (paths.Count > 0) return paths.Count == 1 ? paths[0] : null;
        return candidates.Count == 1 ? candidates[0] : null;
    }
}
