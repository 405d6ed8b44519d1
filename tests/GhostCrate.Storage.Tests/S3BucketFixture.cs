using Amazon.S3;
using Amazon.S3.Model;
using GhostCrate.Core.Options;
using GhostCrate.Storage.S3;

namespace GhostCrate.Storage.Tests;

/// <summary>
/// A fresh bucket on the S3-compatible server named by GHOSTCRATE_TEST_S3_URL (scripts/services/s3.sh starts one),
/// shared by the tests of one class and emptied and removed afterwards. Without the variable it does nothing and
/// the tests skip.
/// </summary>
public sealed class S3BucketFixture : IAsyncLifetime
{
    public const string UrlVariable = "GHOSTCRATE_TEST_S3_URL";
    public const string SkipReason = "GHOSTCRATE_TEST_S3_URL not set; run scripts/test.sh";

    // s3rver's built-in account.
    private const string AccessKey = "S3RVER";
    private const string SecretKey = "S3RVER";

    public IAmazonS3? Client { get; private set; }

    public S3StorageOptions Options { get; } = new()
    {
        ServiceUrl = Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : null,
        // Bucket names: 3-63 lowercase letters, digits and hyphens.
        Bucket = $"ghostcrate-test-{Guid.NewGuid():N}",
        ForcePathStyle = true,
        AccessKeyId = AccessKey,
        SecretAccessKey = SecretKey,
    };

    public async ValueTask InitializeAsync()
    {
        if (Options.ServiceUrl is null) return;
        Client = S3BlobStoreFactory.CreateClient(Options);
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = Options.Bucket }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is null) return;
        using (Client)
        {
            var request = new ListObjectsV2Request { BucketName = Options.Bucket };
            ListObjectsV2Response page;
            do
            {
                page = await Client.ListObjectsV2Async(request);
                foreach (var item in page.S3Objects ?? [])
                    await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = item.Key });
                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);
            await Client.DeleteBucketAsync(new DeleteBucketRequest { BucketName = Options.Bucket });
        }
    }
}
