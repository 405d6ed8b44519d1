using GhostCrate.Mirror.Estimates;
using GhostCrate.Mirror.Storage;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Cli.Mirror;

/// <summary>What `mirror estimate` and `toolchain estimate` print: the estimate, its basis, the index's freshness, and the free disk next to it.</summary>
internal static class EstimateOutput
{
    /// <returns>0 when everything could be read, the upstream is not older than the mirror, and the disk holds it; 1 otherwise.</returns>
    public static async Task<int> WriteAsync(TextWriter output, TextWriter error, MirrorLayout layout, DiskEstimate estimate)
    {
        await output.WriteLineAsync($"Files to download: {estimate.FilesNeeded} (already present: {estimate.FilesPresent}, {ByteSize.Format(estimate.BytesPresent)})");
        await output.WriteLineAsync($"Estimated download: {ByteSize.Format(estimate.EstimatedBytes)} " +
            $"({estimate.Exact} sized by the upstream, {estimate.BySiblings} from the crate's versions already here, {estimate.BySample} from a mean, {estimate.Unsized} unknown)");
        await output.WriteLineAsync($"Index and manifests: up to {ByteSize.Format(estimate.IndexBytes)}");
        await output.WriteLineAsync($"Estimated total: {ByteSize.Format(estimate.TotalBytes)} (an estimate: cargo's index and rustup's manifests carry no sizes)");
        foreach (var problem in estimate.Problems.Take(20)) await error.WriteLineAsync($"not counted: {problem}");
        var behind = estimate.Freshness?.UpstreamBehind == true;
        if (estimate.Freshness is { } freshness) await (behind ? error : output).WriteLineAsync($"Index freshness: {freshness.Describe()}");
        // A toolchain mirror may not exist yet: its nearest existing parent is on the disk it will be written to.
        var existing = layout.Root;
        while (!System.IO.Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        var free = new DriveInfo(existing).AvailableFreeSpace;
        var fits = free >= estimate.TotalBytes;
        await output.WriteLineAsync($"Free on {layout.Root}: {ByteSize.Format(free)}{(fits ? "" : " (not enough)")}");
        return fits && estimate.Problems.Count == 0 && !behind ? 0 : 1;
    }
}
