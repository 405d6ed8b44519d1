using System.Text;
using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Storage;
using GhostCrate.Packaging.Docs;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Docs;

/// <summary>What storing a folder of docs did: how much it stored, or why it stored nothing (<see cref="Kept"/>: newer uploaded docs won).</summary>
public sealed record DocsStoreResult(int Files, long Bytes, string? Error, bool Kept = false);

/// <summary>
/// Stores rustdoc as a new generation and swaps it in (<see cref="SwapInAsync"/>): a build's `target/doc` folder
/// here, an uploaded archive through <see cref="DocsUploadService"/>.
/// </summary>
public sealed class DocsGenerationStore(IDocsRepository docs, IBlobStore blobs, IJobRepository jobs, TimeProvider time, ILogger<DocsGenerationStore> logger)
{
    /// <summary>Puts in flight at once (S3 round trips).</summary>
    public const int ParallelPuts = 8;

    /// <summary>Stores a built `target/doc`; docs uploaded after the build with <paramref name="buildTicket"/> was queued are kept.</summary>
    public async Task<DocsStoreResult> StoreFolderAsync(string crateName, string version, long versionId, string folder, string source, long? userId,
        DocsArchiveLimits limits, long buildTicket, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) return new DocsStoreResult(0, 0, "`cargo doc` wrote no target/doc folder");
        var files = new List<(string Path, string FullPath, long Size)>();
        long total = 0;
        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var full in Directory.EnumerateFiles(folder, "*", walk))
        {
            var relative = Path.GetRelativePath(folder, full).Replace('\\', '/');
            if (relative == ".lock") continue; // cargo's build lock, not documentation
            if (Encoding.UTF8.GetByteCount(relative) > limits.MaxPathBytes) return new DocsStoreResult(0, 0, $"the docs contain a path longer than {limits.MaxPathBytes} bytes (Docs:MaxPathBytes): {relative[..Math.Min(relative.Length, 120)]}...");
            var size = new FileInfo(full).Length;
            total += size;
            files.Add((relative, full, size));
            if (files.Count > limits.MaxEntries) return new DocsStoreResult(0, 0, $"the docs have more than {limits.MaxEntries} files (Docs:MaxFiles)");
            if (total > limits.MaxUnpackedBytes) return new DocsStoreResult(0, 0, $"the docs are larger than {limits.MaxUnpackedBytes} bytes (Docs:MaxUnpackedBytes)");
        }
        if (!files.Any(f => f.Path.EndsWith("/index.html", StringComparison.Ordinal))) return new DocsStoreResult(0, 0, "`cargo doc` wrote no index.html (does the crate have a library or binary target?)");

        var now = time.GetUtcNow();
        var generation = new DocsGeneration(DocsUploadService.NewGenerationId(now), files.Count, total, source, userId, now);
        var swapped = await SwapInAsync(crateName, version, versionId, generation, buildTicket, ct => Parallel.ForEachAsync(files,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelPuts, CancellationToken = ct }, async (file, token) =>
            {
                await using var content = File.OpenRead(file.FullPath);
                await blobs.PutAsync(BlobKey.DocsFile(crateName, version, generation.Id, file.Path), content, BlobPutMode.Overwrite, token);
            }), cancellationToken);
        return swapped ? new DocsStoreResult(files.Count, total, null) : new DocsStoreResult(0, 0, null, Kept: true);
    }

    /// <summary>
    /// Makes <paramref name="generation"/> a version's docs once <paramref name="stage"/> has put its files: a delete
    /// job for the generation is queued before anything is written (it removes the files if this node dies half-way,
    /// and leaves them once they are current), one row update swaps it in, and the replaced generation is deleted by a
    /// job. A failure deletes what was staged and rethrows. Uploads and builds both store docs this way. False: docs
    /// uploaded after the build with <paramref name="buildTicket"/> was queued were kept, and what was staged is deleted.
    /// </summary>
    public async Task<bool> SwapInAsync(string crateName, string version, long versionId, DocsGeneration generation, long? buildTicket,
        Func<CancellationToken, Task> stage, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await QueueDeleteAsync(crateName, version, versionId, generation.Id, now + DocsUploadService.AbandonedAfter, now, cancellationToken);
        DocsSwapResult swap;
        try
        {
            await stage(cancellationToken);
            swap = await docs.SwapAsync(versionId, generation, buildTicket, cancellationToken);
        }
        catch
        {
            await DeleteStagedAsync(crateName, version, generation);
            throw;
        }
        if (!swap.Swapped)
        {
            await DeleteStagedAsync(crateName, version, generation);
            return false;
        }
        if (swap.Previous is { } previous && previous != generation.Id)
            await QueueDeleteAsync(crateName, version, versionId, previous, now, now, CancellationToken.None);
        return true;
    }

    private async Task DeleteStagedAsync(string crateName, string version, DocsGeneration generation)
    {
        try
        {
            await DeleteDocsGenerationHandler.DeleteAllAsync(blobs, BlobKey.DocsGenerationPrefix(crateName, version, generation.Id), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The delete job queued before staging tries again later.
            logger.LogWarning(ex, "Could not delete the staged docs of {Crate} {Version}", crateName, version);
        }
    }

    private Task QueueDeleteAsync(string crateName, string version, long versionId, string generation, DateTimeOffset runAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        jobs.EnqueueAsync(new NewJob(DeleteDocsGenerationHandler.JobKind,
            JsonSerializer.Serialize(new DeleteDocsGenerationHandler.Payload(crateName, version, versionId, generation)), RunAt: runAt), now, cancellationToken);
}
