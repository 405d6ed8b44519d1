namespace GhostCrate.Core.Publishing;

/// <summary>
/// Which registries a published crate's dependencies may come from. Cargo sends `registry: null` for a dependency
/// on the registry being published to, and the index URL otherwise
/// (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish). crates.io is always allowed, under
/// both of its names, so private crates can build on public ones.
/// </summary>
public static class DependencyRegistries
{
    public const string CratesIoGitIndex = "https://github.com/rust-lang/crates.io-index";
    public const string CratesIoSparseIndex = "sparse+https://index.crates.io/";

    public static bool IsCratesIo(string registry)
    {
        var r = registry.TrimEnd('/');
        return r.Equals(CratesIoGitIndex, StringComparison.OrdinalIgnoreCase)
            || r.Equals(CratesIoSparseIndex.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            || r.Equals("https://index.crates.io", StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsAllowed(string registry, IEnumerable<string> allowed, bool allowAny) =>
        allowAny || IsCratesIo(registry) || allowed.Any(a => a.TrimEnd('/').Equals(registry.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
}
