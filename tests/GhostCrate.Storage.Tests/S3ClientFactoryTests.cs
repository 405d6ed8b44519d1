using Amazon.Runtime;
using Amazon.S3;
using GhostCrate.Core.Options;
using GhostCrate.Storage.S3;

namespace GhostCrate.Storage.Tests;

/// <summary>Client construction only; no server needed.</summary>
public sealed class S3ClientFactoryTests
{
    [Fact]
    public void A_custom_endpoint_gets_path_style_and_checksums_only_when_required()
    {
        using var client = S3BlobStoreFactory.CreateClient(new S3StorageOptions
        {
            Bucket = "b",
            ServiceUrl = "http://127.0.0.1:9000",
            AccessKeyId = "key",
            SecretAccessKey = "secret",
        });

        var config = Assert.IsType<AmazonS3Config>(client.Config);
        Assert.StartsWith("http://127.0.0.1:9000", config.ServiceURL);
        Assert.True(config.ForcePathStyle);
        Assert.Equal("us-east-1", config.AuthenticationRegion);
        Assert.Equal(RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
        Assert.Equal(ResponseChecksumValidation.WHEN_REQUIRED, config.ResponseChecksumValidation);
    }

    [Fact]
    public void Without_static_keys_the_client_uses_the_default_credential_chain()
    {
        // Must not throw: credentials are resolved from the environment, profile or instance role when first needed.
        using var client = S3BlobStoreFactory.CreateClient(new S3StorageOptions { Bucket = "b", Region = "eu-west-1" });

        Assert.Equal("eu-west-1", client.Config.RegionEndpoint?.SystemName);
    }

    [Theory]
    [InlineData("key", null)]
    [InlineData(null, "secret")]
    public void Half_a_key_pair_is_rejected(string? keyId, string? secret)
    {
        Assert.Throws<ArgumentException>(() => S3BlobStoreFactory.CreateClient(new S3StorageOptions
        {
            Bucket = "b",
            ServiceUrl = "http://127.0.0.1:9000",
            AccessKeyId = keyId,
            SecretAccessKey = secret,
        }));
    }

    [Theory]
    [InlineData("minio:9000")]
    [InlineData("/relative")]
    public void A_service_url_that_is_not_http_is_rejected(string url)
    {
        Assert.Throws<ArgumentException>(() => S3BlobStoreFactory.CreateClient(new S3StorageOptions { Bucket = "b", ServiceUrl = url }));
    }
}
