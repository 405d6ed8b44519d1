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
    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var request = new ListObjectsV2Request { BucketName = target.Bucket, Prefix = target.Prefix, Delimiter = "/" };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var common in response.CommonPrefixes ?? [])
            {
                var id = common[target.Prefix.Length..].TrimEnd('/');
                if (id.Length > 0 && !id.StartsWith('.')) ids.Add(id);
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true && !string.IsNullOrEmpty(response.NextContinuationToken));
        return ids;
    }

    public async Task<IBackupWriter> CreateAsync(string id, CancellationToken cancellationToken)
    {
        if (!BackupPaths.IsSafeRelative(id) || id.Contains('/')) throw new ArgumentException($"'{id}' is not a backup id", nameof(id));
        if ((await ListIdsAsync(cancellationToken)).Contains(id, StringComparer.Ordinal))
            throw new BackupException($"{target}{id}/ exists already");
        return new S3BackupWriter(client, target.Bucket, $"{target.Prefix}{id}/");
    }

    public IBackupReader Open(string id) => new S3BackupReader(client, target, id);
}
