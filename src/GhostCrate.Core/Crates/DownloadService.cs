using GhostCrate.Core.Downloads;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Crates;

/// <summary>Serves a published .crate file (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration, `dl`).</summary>
public sealed class DownloadService(ICrateRepository crates, IBlobStore blobs, DownloadCounter counter, ILogger<DownloadService> logger)
{
    public async Task<CrateDownload?> OpenAsync(string name, string version, CancellationToken cancellationToken)
    {
        var canonical = Protocol.Crates.CrateName.Canonicalize(name);
        var row = await crates.FindVersionAsync(canonical, version, cancellationToken);
        if (row is null) return null;
        var crate = await crates.FindAsync(canonical, cancellationToken);
        if (crate is null) return null;
        var content = await blobs.OpenReadAsync(BlobKey.CrateFile(crate.Name, row.Version), cancellationToken);
        if (content is null)
        {
            // The row exists but the blob does not: storage was lost or restored from an older backup.
            logger.LogError("Blob missing for {Crate} {Version}", crate.Name, row.Version);
            return null;
        }
        // Counted in memory and written in batches (DownloadStatsFlusher): a download never waits for a database write.
        counter.Record(row.Id);
        return new CrateDownload(crate.Name, row.Version, row.Checksum, content);
    }
}

public sealed record CrateDownload(string Name, string Version, string Checksum, BlobContent Content);
