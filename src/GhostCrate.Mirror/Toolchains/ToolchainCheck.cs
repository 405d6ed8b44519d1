namespace GhostCrate.Mirror.Toolchains;

/// <summary>One thing wrong with a toolchain tree: a file that is absent (<see cref="Missing"/>) or does not match.</summary>
public sealed record ToolchainProblem(string Path, string Detail, bool Missing);

public sealed record ToolchainCheckResult(int Checked, IReadOnlyList<ToolchainProblem> Problems);

/// <summary>
/// Checks that a toolchain tree is what rustup can trust, the rules a sync applied when it accepted the files:
/// every archive (and rustup binary) hashes to its `.sha256` and archives to the hash each manifest in the tree gives it (rustup checks the
/// manifest's hash after downloading; `src/dist/download.rs`), every manifest matches its own `.sha256` (rustup
/// compares them first) and parses, and no archive `.sha256` is left without its archive. Used by `mirror verify`
/// (every archive hashed), and by `mirror import` on the tree a bundle would produce (only the bundle's archives
/// hashed; the ones already served were checked when they arrived).
/// </summary>
public static class ToolchainCheck
{
    /// <param name="files">The tree: path below it (`dist/...`) to the file on disk.</param>
    /// <param name="hash">Whether to hash an archive, or take its `.sha256` as its hash.</param>
    public static async Task<ToolchainCheckResult> CheckAsync(IReadOnlyDictionary<string, string> files, Func<string, bool> hash, int concurrency, CancellationToken cancellationToken)
    {
        var problems = new List<ToolchainProblem>();
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var archives = files.Keys.Where(k => ToolchainTree.IsHashed(k)).Order(StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(archives, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken }, async (relative, ct) =>
        {
            string? sidecar = null;
            if (files.TryGetValue(relative + ".sha256", out var sidecarFile)) sidecar = Sha256File.Parse(await File.ReadAllBytesAsync(sidecarFile, ct));
            var actual = hash(relative) ? await ToolchainTree.Sha256Async(files[relative], ct) : sidecar;
            lock (problems)
            {
                if (sidecar is null) problems.Add(new ToolchainProblem(relative, $"{relative} has no readable .sha256 beside it", Missing: false));
                else if (actual != sidecar) problems.Add(new ToolchainProblem(relative, $"{relative} hashes to {actual}, its .sha256 says {sidecar}", Missing: false));
                if (actual is not null) hashes[relative] = actual;
            }
        });
        foreach (var sidecar in files.Keys.Where(k => ToolchainTree.IsHashed(k, sidecar: true)))
        {
            var archive = sidecar[..^".sha256".Length];
            if (!files.ContainsKey(archive)) problems.Add(new ToolchainProblem(archive, $"{archive} is missing (its .sha256 is there)", Missing: true));
        }

        var manifests = files.Keys.Where(ToolchainTree.IsManifest).Order(StringComparer.Ordinal).ToList();
        foreach (var relative in manifests)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = await File.ReadAllBytesAsync(files[relative], cancellationToken);
            var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            var expected = files.TryGetValue(relative + ".sha256", out var shaFile) ? Sha256File.Parse(await File.ReadAllBytesAsync(shaFile, cancellationToken)) : null;
            if (expected != actual)
            {
                problems.Add(new ToolchainProblem(relative, expected is null ? $"{relative} has no readable .sha256 beside it" : $"{relative} hashes to {actual}, its .sha256 says {expected}", Missing: false));
                continue;
            }
            ChannelManifest manifest;
            try
            {
                manifest = ChannelManifest.Parse(bytes);
            }
            catch (MirrorException ex)
            {
                problems.Add(new ToolchainProblem(relative, $"{relative}: {ex.Message}", Missing: false));
                continue;
            }
            foreach (var (archive, sha256) in ToolchainTree.NamedArchives(manifest))
            {
                if (hashes.TryGetValue(archive, out var held) && held != sha256)
                    problems.Add(new ToolchainProblem(archive, $"{archive} hashes to {held}, {relative} says {sha256}", Missing: false));
            }
        }
        var unique = problems.DistinctBy(p => p.Detail).OrderBy(p => p.Path, StringComparer.Ordinal).ThenBy(p => p.Detail, StringComparer.Ordinal).ToList();
        return new ToolchainCheckResult(archives.Count + manifests.Count, unique);
    }

    /// <summary>The served tree of a generation folder as the dictionary <see cref="CheckAsync"/> takes.</summary>
    public static Dictionary<string, string> Files(string tree) =>
        ToolchainTree.Enumerate(tree).ToDictionary(f => f.Relative, f => f.Full, StringComparer.Ordinal);
}
