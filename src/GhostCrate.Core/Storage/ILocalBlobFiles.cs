namespace GhostCrate.Core.Storage;

/// <summary>
/// A blob store whose blobs are plain files on this machine (the file-system store): the web host can then send a
/// download with the platform's file APIs instead of copying it through a stream. S3 does not implement it.
/// </summary>
public interface ILocalBlobFiles
{
    /// <summary>The file a key is stored in (it may not exist); throws for a key that is not a plain relative path.</summary>
    string LocalPath(BlobKey key);
}
