using GhostCrate.Configuration;
using GhostCrate.Core.Backup;
using GhostCrate.Storage.FileSystem.Backup;
using GhostCrate.Storage.S3;
using GhostCrate.Storage.S3.Backup;

namespace GhostCrate.Composition;

/// <summary>
/// The server's backup targets: a directory, or s3://bucket/prefix reached with the Storage:S3 settings and the AWS
/// credential chain (the same rule as `ghostcrate backup --to`). One S3 client for the process, made on first use.
/// </summary>
public sealed class BackupLocations(GhostCrateSettings settings) : IBackupLocationFactory, IDisposable
{
    private readonly Lazy<Amazon.S3.IAmazonS3> _client = new(() => S3BlobStoreFactory.CreateClient(settings.Storage.S3));

    public IBackupLocation Open(string target)
    {
        if (!S3BackupTarget.IsS3(target)) return new DirectoryBackupLocation(target);
        try
        {
            return new S3BackupLocation(_client.Value, S3BackupTarget.Parse(target));
        }
        catch (ArgumentException ex)
        {
            throw new BackupException(ex.Message);
        }
    }

    /// <summary>Start-up check of Backup:Target's form (the bucket itself is only reached when a backup runs).</summary>
    public static IEnumerable<string> Validate(string? target)
    {
        if (string.IsNullOrWhiteSpace(target) || !S3BackupTarget.IsS3(target)) yield break;
        string? error = null;
        try
        {
            S3BackupTarget.Parse(target);
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
        }
        if (error is not null) yield return $"Backup:Target: {error}";
    }

    public void Dispose()
    {
        if (_client.IsValueCreated) _client.Value.Dispose();
    }
}
