using System.Globalization;
using GhostCrate.Protocol.Publishing;

namespace GhostCrate.Protocol.Index;

/// <summary>
/// Turns what cargo sent at publish time into the index line cargo will later resolve against
/// (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema), following what crates.io writes.
/// </summary>
public static class IndexEntryFactory
{
    public static IndexEntry FromPublish(PublishMetadata meta, string cksum, DateTimeOffset pubtime)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentException.ThrowIfNullOrEmpty(cksum);

        var (features, features2) = SplitFeatures(meta.Features);
        return new IndexEntry
        {
            Name = meta.Name,
            Vers = meta.Vers,
            Deps = meta.Deps.Select(ToIndexDependency).ToList(),
            Cksum = cksum,
            Features = features,
            Yanked = false,
            Links = meta.Links,
            // `v: 2` tells cargo older than 1.51 (which cannot read features2) to skip this version
            // instead of resolving it with half its features missing.
            V = features2 is null ? 1 : 2,
            Features2 = features2,
            RustVersion = meta.RustVersion,
            Pubtime = FormatPubtime(pubtime),
        };
    }

    /// <summary>RFC 3339, UTC, whole seconds, the way crates.io renders `pubtime`.</summary>
    public static string FormatPubtime(DateTimeOffset pubtime) =>
        pubtime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// In the publish API the dependency `name` is the real crate and `explicit_name_in_toml` the local alias;
    /// the index has it the other way round: `name` is the alias and `package` the real crate
    /// (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema, "package").
    /// </summary>
    private static IndexDependency ToIndexDependency(PublishDependency dep)
    {
        var alias = dep.ExplicitNameInToml;
        var renamed = !string.IsNullOrEmpty(alias);
        return new IndexDependency
        {
            Name = renamed ? alias! : dep.Name,
            Req = dep.VersionReq,
            Features = [.. dep.Features],
            Optional = dep.Optional,
            DefaultFeatures = dep.DefaultFeatures,
            Target = dep.Target,
            Kind = dep.Kind,
            Registry = dep.Registry,
            Package = renamed ? dep.Name : null,
        };
    }

    /// <summary>
    /// Features using `dep:name` or `name?/feat` syntax (Rust 1.60) go to `features2`, as crates.io does:
    /// cargo older than 1.60 chokes on that syntax in `features`, but ignores `features2`.
    /// Both maps are sorted ordinally so the serialized line is deterministic.
    /// </summary>
    private static (SortedDictionary<string, IReadOnlyList<string>> Features, SortedDictionary<string, IReadOnlyList<string>>? Features2)
        SplitFeatures(IReadOnlyDictionary<string, IReadOnlyList<string>> source)
    {
        var features = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var features2 = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (feature, values) in source)
        {
            var target = values.Any(UsesNewSyntax) ? features2 : features;
            target[feature] = [.. values];
        }
        return (features, features2.Count == 0 ? null : features2);
    }

    private static bool UsesNewSyntax(string value) =>
        value.StartsWith("dep:", StringComparison.Ordinal) || value.Contains("?/", StringComparison.Ordinal);
}
