using GhostCrate.Core.Index;
using GhostCrate.Core.Storage;
using GhostCrate.Protocol.Index;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Bench;

/// <summary>
/// Writes what nginx serves: every index file as SparseIndexService renders it (so both servers send the same bytes
/// at the same /index/... paths) and every .crate file at GhostCrate's download URL (/api/v1/crates/{name}/{version}/download),
/// plus the request lists the load generators replay.
/// </summary>
public static class Exporter
{
    public sealed record Totals(int IndexFiles, long IndexBytes, int CrateFiles);

    public static async Task<Totals> ExportAsync(RegistryPlan plan, IServiceProvider services, string outDir, string? blobRoot, CancellationToken cancellationToken)
    {
        var index = services.GetRequiredService<SparseIndexService>();
        var blobs = services.GetRequiredService<IBlobStore>();
        var www = Path.Combine(outDir, "www");
        var lists = Path.Combine(outDir, "lists");
        Directory.CreateDirectory(lists);
        var indexPaths = new string[plan.Crates.Count];
        var versionUrls = new string[plan.Crates.Count][];
        long indexBytes = 0;
        var crateFiles = 0;

        // Crates in parallel (file creation, not CPU, is what this waits for); the lists keep the plan's order.
        await Parallel.ForEachAsync(plan.Crates, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (crate, ct) =>
        {
            var lower = crate.Name.ToLowerInvariant();
            var file = await index.GetAsync(lower, ct) ?? throw new InvalidOperationException($"{crate.Name} has no index file");
            var relative = "index/" + IndexPath.ForCrate(lower);
            await WriteAsync(Path.Combine(www, relative), file.Content, ct);
            indexPaths[crate.Index] = "/" + relative;
            Interlocked.Add(ref indexBytes, file.Content.Length);

            var urls = new string[crate.Versions.Count];
            for (var i = 0; i < crate.Versions.Count; i++)
            {
                var version = crate.Versions[i];
                var key = BlobKey.CrateFile(crate.Name, version.Version);
                var url = $"api/v1/crates/{crate.Name}/{version.Version}/download";
                var target = Path.Combine(www, url);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                // The file-system store's own file, hard-linked: the same bytes without copying them (or creating
                // another inode); a copy through the blob store otherwise (another store, another file system).
                if (blobRoot is null || !HardLink.TryCreate(Path.Combine(blobRoot, key.Path), target))
                {
                    await using var content = await blobs.OpenReadAsync(key, ct)
                        ?? throw new InvalidOperationException($"{crate.Name} {version.Version} has no .crate blob");
                    await using var output = File.Create(target);
                    await content.Stream.CopyToAsync(output, ct);
                }
                Interlocked.Increment(ref crateFiles);
                urls[i] = "/" + url;
            }
            versionUrls[crate.Index] = urls;
        });
        var smallDownloads = new List<string>();
        var bigDownloads = new List<string>();
        foreach (var crate in plan.Crates)
        {
            for (var i = 0; i < crate.Versions.Count; i++) (crate.Versions[i].PayloadBytes > 0 ? bigDownloads : smallDownloads).Add(versionUrls[crate.Index][i]);
        }

        // The request lists: shuffled with a fixed seed so both servers see the same order.
        var random = new Random(plan.Seed);
        await File.WriteAllLinesAsync(Path.Combine(lists, "index-paths.txt"), Shuffle([.. indexPaths], random), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(lists, "crate-small.txt"), Shuffle(smallDownloads, random).Take(20_000), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(lists, "crate-big.txt"), bigDownloads, cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(lists, "search-queries.txt"), SearchQueries(plan, random), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(lists, "popular-crates.txt"), plan.Crates.Take(50).Select(c => $"{c.Name} {c.LatestReq}"), cancellationToken);
        return new Totals(indexPaths.Length, indexBytes, crateFiles);
    }

    /// <summary>What people type into `cargo search`: a word of a name, a whole name, a description word, a miss.</summary>
    private static IEnumerable<string> SearchQueries(RegistryPlan plan, Random random)
    {
        string[] words = ["serde", "async", "http", "json", "parse", "derive", "tokio", "cli", "macro", "sync", "zero-copy", "bindings", "nosuchthing"];
        for (var i = 0; i < 500; i++)
        {
            yield return (i % 3) switch
            {
                0 => words[random.Next(words.Length)],
                1 => plan.Crates[random.Next(plan.Crates.Count)].Name,
                _ => plan.Crates[random.Next(plan.Crates.Count)].Name.Split('-', '_')[0],
            };
        }
    }

    private static List<string> Shuffle(List<string> items, Random random)
    {
        var copy = items.ToList();
        for (var i = copy.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy;
    }

    private static async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content, cancellationToken);
    }
}
