using GhostCrate.Mirror.Configuration;
using GhostCrate.Protocol.Client;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Checking;

public sealed record VerifyProblem(string Name, string Version, string Detail);

/// <summary>What `mirror verify` found (after repairs, when asked for).</summary>
public sealed record VerifyReport(long Checked, IReadOnlyList<VerifyProblem> Missing, IReadOnlyList<VerifyProblem> Corrupt, int Repaired)
{
    public const int ExitOk = 0;
    public const int ExitMissing = 3;
    public const int ExitCorrupt = 4;
    public const int ExitMissingAndCorrupt = 5;

    /// <summary>0 clean, 3 files missing, 4 files corrupt, 5 both: a script can tell "sync again" from "disk trouble".</summary>
    public int ExitCode => (Missing.Count > 0, Corrupt.Count > 0) switch
    {
        (false, false) => ExitOk,
        (true, false) => ExitMissing,
        (false, true) => ExitCorrupt,
        _ => ExitMissingAndCorrupt,
    };
}

/// <summary>
/// `mirror verify`: every version the served index lists must have its .crate file, hashing to the index `cksum`;
/// every served toolchain archive and manifest must match its `.sha256` and the manifests (<see cref="ToolchainCheck"/>).
/// Hashing runs with the configured download concurrency. With repair, corrupt files are moved to
/// .ghostcrate/quarantine (kept for inspection) and missing or corrupt files are fetched again.
/// </summary>
public sealed class MirrorVerifier(IHttpClientFactory httpFactory)
{
    public async Task<VerifyReport> VerifyAsync(MirrorLayout layout, bool repair, IMirrorProgress progress, CancellationToken cancellationToken)
    {
        var config = MirrorConfigFile.Load(layout);
        var served = new ServedIndex(layout);
        var missing = new List<(IndexLine Line, string Detail)>();
        var corrupt = new List<(IndexLine Line, string Detail)>();
        long checkedCount = 0;
        var lines = served.EnumerateNames().SelectMany(name => served.Read(name) ?? []);
        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = config.Download.Concurrency, CancellationToken = cancellationToken }, async (line, ct) =>
        {
            Interlocked.Increment(ref checkedCount);
            var path = layout.CrateFile(line.Entry.Name, line.Entry.Vers);
            if (!File.Exists(path))
            {
                lock (missing) missing.Add((line, $"{layout.Relative(path)} is missing"));
                return;
            }
            var actual = await FileHashes.Sha256Async(path, ct);
            if (actual != line.Entry.Cksum)
            {
                lock (corrupt) corrupt.Add((line, $"{layout.Relative(path)} hashes to {actual}, the index says {line.Entry.Cksum}"));
            }
        });

        var repaired = 0;
        if (repair && (missing.Count > 0 || corrupt.Count > 0))
        {
            var dl = config.Upstream.Download ?? UpstreamDownloadTemplate.Load(layout)
                ?? throw new MirrorException("cannot repair: no download URL known yet (run `ghostcrate mirror sync` once, or set upstream.download)");
            var quarantine = Path.Combine(layout.StateDir, "quarantine");
            foreach (var (line, _) in corrupt)
            {
                var path = layout.CrateFile(line.Entry.Name, line.Entry.Vers);
                Directory.CreateDirectory(quarantine);
                File.Move(path, Path.Combine(quarantine, $"{Path.GetFileName(path)}.{DateTime.UtcNow:yyyyMMddHHmmss}"), overwrite: true);
            }
            var downloader = new CrateDownloader(httpFactory.CreateClient(MirrorHttp.ClientName), layout, config.Download, progress);
            var stillMissing = new List<(IndexLine, string)>();
            var stillCorrupt = new List<(IndexLine, string)>();
            await Parallel.ForEachAsync(missing.Select(m => (m, false)).Concat(corrupt.Select(c => (c, true))),
                new ParallelOptions { MaxDegreeOfParallelism = config.Download.Concurrency, CancellationToken = cancellationToken }, async (item, ct) =>
                {
                    var ((line, detail), wasCorrupt) = item;
                    var request = new DownloadRequest(line.Entry.Name, line.Entry.Vers, line.Entry.Cksum, DownloadUrlTemplate.Expand(dl, line.Entry.Name, line.Entry.Vers, line.Entry.Cksum));
                    var outcome = await downloader.DownloadAsync(request, ct);
                    if (outcome.Succeeded)
                    {
                        Interlocked.Increment(ref repaired);
                        return;
                    }
                    var target = wasCorrupt ? stillCorrupt : stillMissing;
                    lock (target) target.Add((line, $"{detail}; repair failed: {outcome.Error}"));
                });
            missing = stillMissing;
            corrupt = stillCorrupt;
        }

        var toolchains = await VerifyToolchainsAsync(served, layout, config.Download.Concurrency, cancellationToken);
        return new VerifyReport(checkedCount + toolchains.Checked,
            [.. ToProblems(missing), .. ToolchainProblems(toolchains, missing: true)],
            [.. ToProblems(corrupt), .. ToolchainProblems(toolchains, missing: false)], repaired);
    }

    /// <summary>
    /// The served toolchain tree of the same generation, every archive hashed (<see cref="ToolchainCheck"/>). Repair
    /// does not cover toolchains yet: the report names each file.
    /// </summary>
    private static async Task<ToolchainCheckResult> VerifyToolchainsAsync(ServedIndex served, MirrorLayout layout, int concurrency, CancellationToken cancellationToken) =>
        layout.HasGenerations
            ? await ToolchainCheck.CheckAsync(ToolchainCheck.Files(ToolchainTree.OfGeneration(served.Directory)), _ => true, concurrency, cancellationToken)
            : new ToolchainCheckResult(0, []);

    private static IEnumerable<VerifyProblem> ToolchainProblems(ToolchainCheckResult result, bool missing) =>
        result.Problems.Where(p => p.Missing == missing).Select(p => new VerifyProblem("toolchain", p.Path, p.Detail));

    private static List<VerifyProblem> ToProblems(List<(IndexLine Line, string Detail)> items) =>
        items.Select(i => new VerifyProblem(i.Line.Entry.Name, i.Line.Entry.Vers, i.Detail))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal).ToList();
}
