using System.Text.Json;
using System.Text.Json.Serialization;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Storage;
using GhostCrate.Packaging;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Mirror.Sidecars;

public sealed record SidecarReport(long Versions, long Written, long Unchanged, long Removed);

/// <summary>
/// `mirror sidecars DIR`: sidecars/NAME/VERSION.json for every served version: name, version, checksum, size,
/// dependencies, features (features and features2 merged), yanked, links, rust_version and the license from the
/// .crate's Cargo.toml when it can be read. Output is deterministic (fixed property order, sorted maps, LF, no
/// timestamps) so reruns only touch files whose content changed, and two mirrors can be compared byte for byte.
/// Sidecars of versions the mirror no longer serves (dropped by keep-latest-N, skip-yanked, a narrower selection or
/// an import that removed an index file) are deleted, so the folder always describes exactly the served versions.
/// </summary>
public static class SidecarWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NewLine = "\n",
    };

    public static async Task<SidecarReport> WriteAsync(MirrorLayout layout, CancellationToken cancellationToken)
    {
        var config = MirrorConfigFile.Load(layout);
        var served = new ServedIndex(layout);
        long versions = 0, written = 0, unchanged = 0;
        var lines = served.EnumerateNames().SelectMany(name => served.Read(name) ?? []);
        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = config.Download.Concurrency, CancellationToken = cancellationToken }, async (line, ct) =>
        {
            Interlocked.Increment(ref versions);
            var entry = line.Entry;
            var crate = layout.CrateFile(entry.Name, entry.Vers);
            var present = File.Exists(crate);
            var sidecar = new Sidecar(
                entry.Name,
                entry.Vers,
                entry.Cksum,
                present ? new FileInfo(crate).Length : null,
                entry.Deps.Select(d => new SidecarDependency(d.Package ?? d.Name, d.Package is null ? null : d.Name, d.Req, d.Kind, d.Optional, d.DefaultFeatures, [.. d.Features], d.Target, d.Registry))
                    .OrderBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.Kind, StringComparer.Ordinal).ThenBy(d => d.Target, StringComparer.Ordinal).ToList(),
                MergeFeatures(entry),
                entry.Yanked,
                entry.Links,
                entry.RustVersion,
                present ? await CrateManifestLicense.ReadFileAsync(crate, entry.Name, entry.Vers, ct) : null);
            byte[] bytes = [.. JsonSerializer.SerializeToUtf8Bytes(sidecar, Json), (byte)'\n'];
            _ = MirrorLayout.CrateRelativePath(entry.Name, entry.Vers); // refuses names and versions that are not safe path segments
            var path = Path.Combine(layout.SidecarsDir, entry.Name.ToLowerInvariant(), entry.Vers + ".json");
            if (File.Exists(path) && (await File.ReadAllBytesAsync(path, ct)).AsSpan().SequenceEqual(bytes))
            {
                Interlocked.Increment(ref unchanged);
                return;
            }
            AtomicFile.Write(layout, path, bytes);
            Interlocked.Increment(ref written);
        });
        var removed = RemoveStale(layout, served);
        return new SidecarReport(versions, written, unchanged, removed);
    }

    /// <summary>
    /// One crate folder at a time, in ordinal order: whatever its served index file does not list goes (also anything
    /// that is not a VERSION.json sidecar, e.g. a temp file of a killed run), and an emptied folder goes with it.
    /// </summary>
    private static long RemoveStale(MirrorLayout layout, ServedIndex served)
    {
        if (!Directory.Exists(layout.SidecarsDir)) return 0;
        long removed = 0;
        var folders = Directory.GetDirectories(layout.SidecarsDir);
        Array.Sort(folders, StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var name = Path.GetFileName(folder);
            var listed = name.Length > 0 && name.All(Protocol.Crates.CrateName.IsNameChar)
                ? (served.Read(name) ?? []).Select(l => l.Entry.Vers + ".json").ToHashSet(StringComparer.Ordinal)
                : [];
            var files = Directory.GetFiles(folder);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files.Where(f => !listed.Contains(Path.GetFileName(f))))
            {
                File.Delete(file);
                removed++;
            }
            if (Directory.GetFileSystemEntries(folder).Length == 0) Directory.Delete(folder);
        }
        foreach (var stray in Directory.GetFiles(layout.SidecarsDir))
        {
            File.Delete(stray);
            removed++;
        }
        return removed;
    }

    private static SortedDictionary<string, IReadOnlyList<string>> MergeFeatures(IndexEntry entry)
    {
        var merged = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (k, v) in entry.Features) merged[k] = v;
        foreach (var (k, v) in entry.Features2 ?? new Dictionary<string, IReadOnlyList<string>>()) merged[k] = v;
        return merged;
    }

    private sealed record Sidecar(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("version")] string Version,
        [property: JsonPropertyName("checksum")] string Checksum,
        [property: JsonPropertyName("size")] long? Size,
        [property: JsonPropertyName("dependencies")] IReadOnlyList<SidecarDependency> Dependencies,
        [property: JsonPropertyName("features")] IReadOnlyDictionary<string, IReadOnlyList<string>> Features,
        [property: JsonPropertyName("yanked")] bool Yanked,
        [property: JsonPropertyName("links")] string? Links,
        [property: JsonPropertyName("rust_version")] string? RustVersion,
        [property: JsonPropertyName("license")] string? License);

    private sealed record SidecarDependency(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("rename")] string? Rename,
        [property: JsonPropertyName("req")] string Req,
        [property: JsonPropertyName("kind")] string Kind,
        [property: JsonPropertyName("optional")] bool Optional,
        [property: JsonPropertyName("default_features")] bool DefaultFeatures,
        [property: JsonPropertyName("features")] IReadOnlyList<string> Features,
        [property: JsonPropertyName("target")] string? Target,
        [property: JsonPropertyName("registry")] string? Registry);
}
