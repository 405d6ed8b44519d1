using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Docs;

/// <summary>
/// Deletes one stored generation of a version's docs unless it is (still, or by now) the version's current one:
/// replaced docs, and staged files of an upload or build that never finished. Running it twice is harmless.
/// </summary>
public sealed class DeleteDocsGenerationHandler(IDocsRepository docs, IBlobStore blobs) : IJobHandler
{
    public const string JobKind = "docs.delete_generation";

    public sealed record Payload(string Crate, string Version, long VersionId, string Generation);

    public string Kind => JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<Payload>(job.Payload);
        if (payload is null) return JobOutcome.GiveUp("the payload is not a docs generation");
        var current = await docs.FindAsync(payload.VersionId, cancellationToken);
        if (current?.Generation == payload.Generation) return JobOutcome.Succeeded;
        await DeleteAllAsync(blobs, BlobKey.DocsGenerationPrefix(payload.Crate, payload.Version, payload.Generation), cancellationToken);
        return JobOutcome.Succeeded;
    }

    public static async Task DeleteAllAsync(IBlobStore blobs, string prefix, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        await foreach (var path in blobs.ListAsync(prefix, cancellationToken)) paths.Add(path);
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (path, ct) => await blobs.DeleteAsync(BlobKey.FromPath(path), ct));
    }
}
