using Amazon.S3.Model;
using GhostCrate.Core.Storage;
using GhostCrate.Storage.S3;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Storage.Tests;

public sealed class S3BlobStoreTests(S3BucketFixture bucket) : BlobStoreContractTests, IClassFixture<S3BucketFixture>
{
    // Tests of a class share the bucket; a prefix per test keeps them apart (and exercises prefix handling).
    private readonly string _prefix = $"test-{Guid.NewGuid():N}/";

    protected override string? ConcurrentIfAbsentSkipReason =>
        "s3rver ignores If-None-Match on PUT, so concurrent IfAbsent writers may all store (documented on S3BlobStore)";

    protected override string? AtomicOverwriteSkipReason =>
        "s3rver writes objects in place, so a reader can see a half-written object; real S3 PUTs are atomic";

    protected override ValueTask<IBlobStore> CreateStoreAsync() => ValueTask.FromResult<IBlobStore>(CreateStore(_prefix));

    private S3BlobStore CreateStore(string prefix)
    {
        if (bucket.Client is null) Assert.Skip(S3BucketFixture.SkipReason);
        // A small page size makes every listing test walk several ListObjectsV2 pages.
        return new S3BlobStore(bucket.Client, bucket.Options.Bucket!, prefix, NullLogger<S3BlobStore>.Instance) { ListPageSize = 2 };
    }

    [Fact]
    public async Task Objects_are_stored_under_the_prefix_with_their_content_type()
    {
        await Store.PutBytesAsync(BlobKey.CrateFile("serde", "1.0.0"), [1, 2, 3], BlobPutMode.IfAbsent);

        var head = await bucket.Client!.GetObjectMetadataAsync(bucket.Options.Bucket, $"{_prefix}crates/serde/serde-1.0.0.crate", Ct);
        Assert.Equal("application/gzip", head.Headers.ContentType);
        Assert.Equal(3, head.ContentLength);
    }

    [Fact]
    public async Task Stores_with_different_prefixes_in_one_bucket_do_not_see_each_other()
    {
        var tenant = Guid.NewGuid().ToString("N");
        // A prefix without a trailing slash still means a folder.
        var first = CreateStore($"{tenant}-one");
        var second = CreateStore($"{tenant}-one-more/");
        var key = BlobKey.CrateFile("shared", "1.0.0");

        await first.PutBytesAsync(key, [1], BlobPutMode.IfAbsent);

        Assert.Equal($"{tenant}-one/", first.KeyPrefix);
        Assert.False(await second.ExistsAsync(key, Ct));
        Assert.Empty(await second.ListSortedAsync(""));
        Assert.Equal(BlobPutResult.Stored, await second.PutBytesAsync(key, [2], BlobPutMode.IfAbsent));
        Assert.Equal([1], await first.ReadBytesAsync(key));
    }

    [Fact]
    public async Task Listings_skip_folder_markers()
    {
        await bucket.Client!.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket.Options.Bucket,
            Key = $"{_prefix}crates/",
            ContentBody = "",
            UseChunkEncoding = false,
        }, Ct);
        await Store.PutBytesAsync(BlobKey.CrateFile("a", "1.0.0"), [1], BlobPutMode.IfAbsent);

        Assert.Equal(["crates/a/a-1.0.0.crate"], await Store.ListSortedAsync("crates/"));
    }

    [Fact]
    public async Task EnsureBucket_is_idempotent_and_creates_a_missing_bucket()
    {
        var store = CreateStore(_prefix);
        await store.EnsureBucketAsync(Ct);

        var extra = new S3BlobStore(bucket.Client!, $"ghostcrate-extra-{Guid.NewGuid():N}", "", NullLogger<S3BlobStore>.Instance);
        await extra.EnsureBucketAsync(Ct);
        await extra.EnsureBucketAsync(Ct);
        try
        {
            await extra.PutBytesAsync(BlobKey.CrateFile("a", "1.0.0"), [1], BlobPutMode.IfAbsent);
            Assert.Equal([1], await extra.ReadBytesAsync(BlobKey.CrateFile("a", "1.0.0")));
        }
        finally
        {
            await extra.DeleteAsync(BlobKey.CrateFile("a", "1.0.0"), Ct);
            await bucket.Client!.DeleteBucketAsync(extra.BucketName, Ct);
        }
    }

    [Fact]
    public async Task A_missing_bucket_is_an_error_not_a_missing_blob()
    {
        var store = new S3BlobStore(bucket.Client ?? SkipAndReturnNull(), $"ghostcrate-absent-{Guid.NewGuid():N}", "", NullLogger<S3BlobStore>.Instance);

        await Assert.ThrowsAnyAsync<Exception>(() => store.OpenReadAsync(BlobKey.CrateFile("a", "1.0.0"), Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => store.CheckHealthAsync(Ct));
    }

    private static Amazon.S3.IAmazonS3 SkipAndReturnNull()
    {
        Assert.Skip(S3BucketFixture.SkipReason);
        return null!;
    }
}
