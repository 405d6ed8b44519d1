using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using GhostCrate.Core.Options;

namespace GhostCrate.Storage.S3;

public static class S3BlobStoreFactory
{
    /// <summary>Region used to sign requests to a custom endpoint when none is configured; S3-compatible servers accept any.</summary>
    private const string DefaultSigningRegion = "us-east-1";

    /// <summary>
    /// Builds an S3 client from the options. Static keys are used only when both are set; otherwise the SDK's
    /// default credential chain applies (environment, shared profile, web identity/IRSA, ECS and EC2 instance roles),
    /// which is what production deployments on AWS should use.
    /// </summary>
    public static IAmazonS3 CreateClient(S3StorageOptions options)
    {
        ValidateClientOptions(options);
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Since SDK 3.7.4xx/4.x the client adds CRC checksums to every upload and validates them on every download.
            // S3-compatible servers such as s3rver reject or omit them, so only send and check them where an
            // operation requires it; SigV4 payload signing still protects uploads.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };

        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            // Setting RegionEndpoint would clear ServiceURL (the SDK treats them as alternatives), so the region only
            // selects the signing scope here.
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = string.IsNullOrEmpty(options.Region) ? DefaultSigningRegion : options.Region;
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        // else: the SDK resolves the region from AWS_REGION, the profile or instance metadata.

        return !string.IsNullOrEmpty(options.AccessKeyId)
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config)
            : new AmazonS3Client(config);
    }

    /// <summary>Rejects options that cannot work, without any I/O, so the host can fail at start-up.</summary>
    internal static void Validate(S3StorageOptions options)
    {
        ValidateClientOptions(options);
        if (string.IsNullOrWhiteSpace(options.Bucket))
            throw new ArgumentException("Storage:S3:Bucket is required for the S3 storage provider.", nameof(options));
    }

    private static void ValidateClientOptions(S3StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.AccessKeyId) != string.IsNullOrEmpty(options.SecretAccessKey))
            throw new ArgumentException("Storage:S3:AccessKeyId and Storage:S3:SecretAccessKey must be set together (or both left empty to use the AWS credential chain).", nameof(options));
        // "minio:9000" parses as an absolute URI with the scheme "minio", so check the scheme, not just the shape.
        if (!string.IsNullOrEmpty(options.ServiceUrl)
            && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
            throw new ArgumentException($"Storage:S3:ServiceUrl '{options.ServiceUrl}' is not an http(s) URL.", nameof(options));
    }
}
