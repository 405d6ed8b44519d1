using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Crates;

/// <summary>Serves a published .crate file (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration, `dl`).</summary>
public sealed class DownloadService(ICrateRepository crates, IBlobStore blobs, ILogger<DownloadService> logger)
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
        try
        {
            await crates.IncrementDownloadsAsync(row.Id, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A lost count must never fail a build.
            logger.LogWarning(ex, "Could not count a download of {Crate} {Version}", crate.Name, row.Version);
        }
        return new CrateDownload(crate.Name, row.Version, row.Checksum, content);
    }
}

public sealed record CrateDownload(string Name, string Version, string Checksum, BlobContent Content);
