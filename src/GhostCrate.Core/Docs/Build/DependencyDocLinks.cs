using System.Text.Json;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// Where the docs of a build's dependencies live, for rustdoc's `--extern-html-root-url NAME=URL`
/// (https://doc.rust-lang.org/rustdoc/unstable-features.html#--extern-html-root-url-control-how-rustdoc-links-to-non-local-crates):
/// with `--no-deps` rustdoc writes no dependency docs, so without it a type from a dependency is plain text. A crate of
/// this registry links to GhostCrate's own `/docs/{crate}/{version}/` (a path, so it works on the registry's origin
/// and on Docs:Origin alike); a crates.io crate (served through the proxy or mirror) to docs.rs, which builds those, or
/// to the site Docs:Build:CratesIoDocsUrl names, or to nothing on an air-gapped site (a link nobody can follow is
/// worse than plain text). Read from `cargo metadata` after the fetch (the packages' `source` is the one before source
/// replacement).
/// </summary>
public static class DependencyDocLinks
{
    private static readonly string[] CratesIoSources = ["registry+https://github.com/rust-lang/crates.io-index", "sparse+https://index.crates.io/"];

    /// <summary>The root package's library crate name (null when it has none) and one link per dependency crate name.</summary>
    public sealed record Links(string? RootCrate, IReadOnlyDictionary<string, string> ByCrate);

    /// <param name="json">`cargo metadata --format-version 1`'s answer.</param>
    /// <param name="cratesIoDocs">The base URL of crates.io crates' docs (https://docs.rs), or null to leave them unlinked.</param>
    public static Links FromMetadata(string json, string? cratesIoDocs)
    {
        using var document = JsonDocument.Parse(json);
        var packages = document.RootElement.GetProperty("packages");
        var resolve = document.RootElement.TryGetProperty("resolve", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        var rootId = resolve.ValueKind == JsonValueKind.Object && resolve.TryGetProperty("root", out var root) ? root.GetString() : null;
        var direct = new HashSet<string>(StringComparer.Ordinal);
        if (resolve.ValueKind == JsonValueKind.Object)
        {
            foreach (var node in resolve.GetProperty("nodes").EnumerateArray())
            {
                if (node.GetProperty("id").GetString() != rootId) continue;
                foreach (var dep in node.GetProperty("deps").EnumerateArray()) direct.Add(dep.GetProperty("pkg").GetString()!);
            }
        }

        string? rootCrate = null;
        var candidates = new Dictionary<string, List<(string Id, string Url)>>(StringComparer.Ordinal);
        foreach (var package in packages.EnumerateArray())
        {
            var id = package.GetProperty("id").GetString()!;
            var library = LibraryName(package);
            if (id == rootId)
            {
                rootCrate = library;
                continue;
            }
            var source = package.TryGetProperty("source", out var s) ? s.GetString() : null;
            if (library is null || source is null) continue;
            var name = package.GetProperty("name").GetString()!;
            var version = package.GetProperty("version").GetString()!;
            var fromCratesIo = CratesIoSources.Contains(source, StringComparer.Ordinal);
            if (fromCratesIo && cratesIoDocs is null) continue;
            var url = $"{(fromCratesIo ? cratesIoDocs : "/docs")}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}/";
            if (!candidates.TryGetValue(library, out var list)) candidates[library] = list = [];
            list.Add((id, url));
        }

        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (library, list) in candidates)
        {
            // Two versions of one crate share its name: the root's own dependency wins, otherwise neither is linked
            // (rustdoc takes one URL per crate name and could not tell which version a type came from).
            var chosen = list.Count == 1 ? list[0].Url : list.Where(c => direct.Contains(c.Id)).Select(c => c.Url).FirstOrDefault();
            if (chosen is not null) links[library] = chosen;
        }
        return new Links(rootCrate, links);
    }

    private static string? LibraryName(JsonElement package)
    {
        foreach (var target in package.GetProperty("targets").EnumerateArray())
        {
            foreach (var kind in target.GetProperty("kind").EnumerateArray())
            {
                if (kind.GetString() is "lib" or "rlib" or "dylib" or "proc-macro") return target.GetProperty("name").GetString()!.Replace('-', '_');
            }
        }
        return null;
    }
}
