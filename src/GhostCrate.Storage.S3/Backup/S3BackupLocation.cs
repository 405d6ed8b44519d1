using Amazon.S3;
using Amazon.S3.Model;
using GhostCrate.Core.Backup;

namespace GhostCrate.Storage.S3.Backup;

/// <summary>
/// Backups kept under an S3 prefix: {prefix}{id}/manifest.json, database/, blobs/, the same layout as a directory.
/// An S3 PUT is atomic (an object is there whole or not at all), so the manifest written last by one PUT is the
/// commit point here as the rename is on a file system.
/// </summary>
public sealed class S3BackupLocation(IAmazonS3 client, S3BackupTarget target) : IBackupLocation
{
    public string Describe => target.ToString();

    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken)
    {
        // Every key, not a delimiter listing: some S3-compatible servers (s3rver) leave a "folder" out of
        // CommonPrefixes when its keys are nested deeper, which would hide an incomplete backup from list and prune.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = target.Bucket, Prefix = target.Prefix };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in response.S3Objects ?? [])
            {
                var rest = item.Key[target.Prefix.Length..];
                var slash = rest.IndexOf('/');
                if (slash > 0 && !rest.StartsWith('.')) ids.Add(rest[..slash]);
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true && !string.IsNullOrEmpty(response.NextContinuationToken));
        return [.. ids];
    }

    public async Task<IBackupWriter> CreateAsync(string id, CancellationToken cancellationToken)
    {
        var folder = Folder(id);
        if ((await ListIdsAsync(cancellationToken)).Contains(id, StringComparer.Ordinal))
            throw new BackupException($"{target}{id}/ exists already");
        return new S3BackupWriter(client, target.Bucket, folder);
    }

    public IBackupReader Open(string id) => new S3BackupReader(client, target, id);

    public Task RemoveManifestAsync(string id, CancellationToken cancellationToken) =>
        client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = target.Bucket, Key = Folder(id) + BackupManifest.FileName }, cancellationToken);

    public async Task DeleteAsync(string id, IReadOnlySet<string> keep, CancellationToken cancellationToken)
    {
        var folder = Folder(id);
        await RemoveManifestAsync(id, cancellationToken);
        // Listed whole first, then deleted: deleting while paging would shift the pages.
        var doomed = new List<string>();
        var request = new ListObjectsV2Request { BucketName = target.Bucket, Prefix = folder };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request, cancellationToken);
            doomed.AddRange((response.S3Objects ?? []).Select(o => o.Key).Where(k => !keep.Contains(k[folder.Length..])));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true && !string.IsNullOrEmpty(response.NextContinuationToken));
        foreach (var key in doomed)
            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = target.Bucket, Key = key }, cancellationToken);
    }

    private string Folder(string id)
    {
        if (!BackupPaths.IsSafeRelative(id) || id.Contains('/')) throw new ArgumentException($"'{id}' is not a backup id", nameof(id));
        return $"{target.Prefix}{id}/";
    }
}
