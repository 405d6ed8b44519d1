using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Deletion;

/// <summary>
/// Deletes the .crate files and rustdoc of deleted versions, queued by the deletion transaction so it runs only once
/// the rows are gone (a row never points at a missing blob). Running it twice is harmless, and a file it deletes can
/// never be needed again: the tombstone refuses a new publish of the same name+version.
/// </summary>
public sealed class DeleteCrateFilesHandler(IBlobStore blobs) : IJobHandler
{
    public const string JobKind = "crate.delete_files";

    /// <summary><paramref name="Crate"/> as published (blob keys lower-case it).</summary>
    public sealed record Payload(string Crate, IReadOnlyList<string> Versions);

    public string Kind => JobKind;

    public static NewJob Job(string crate, IReadOnlyList<string> versions, DateTimeOffset now) => new(
        JobKind,
        JsonSerializer.Serialize(new Payload(crate, versions)),
        DedupKey: $"{crate.ToLowerInvariant()}:{string.Join(',', versions)}:{now.ToUnixTimeMilliseconds()}");

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<Payload>(job.Payload);
        if (payload is null) return JobOutcome.GiveUp("the payload names no crate files");
        foreach (var version in payload.Versions)
        {
            await blobs.DeleteAsync(BlobKey.CrateFile(payload.Crate, version), cancellationToken);
            await Docs.DeleteDocsGenerationHandler.DeleteAllAsync(blobs, $"{BlobKey.DocsRoot}{payload.Crate.ToLowerInvariant()}/{version}/", cancellationToken);
        }
        return JobOutcome.Succeeded;
    }
}
