using Amazon.S3;
using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Storage.S3;

public static class S3StorageServiceCollectionExtensions
{
    /// <summary>
    /// Keyed so that the storage client never collides with an <see cref="IAmazonS3"/> registered for another purpose,
    /// while the container still disposes it on shutdown.
    /// </summary>
    public const string ClientServiceKey = "GhostCrate.Storage.S3";

    /// <summary>
    /// Registers an <see cref="S3BlobStore"/> as the singleton <see cref="IBlobStore"/> (and as itself, so the host can
    /// call <see cref="S3BlobStore.EnsureBucketAsync"/> on start when <see cref="S3StorageOptions.CreateBucket"/> is set).
    /// </summary>
    public static IServiceCollection AddGhostCrateS3Storage(this IServiceCollection services, S3StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        S3BlobStoreFactory.Validate(options);
        var bucket = options.Bucket!;
        var prefix = options.Prefix;

        // Built lazily by the container: without a configured region the SDK may ask instance metadata for one, and
        // DI registration must not block on I/O. Reachability is checked by the /ready health check.
        services.AddKeyedSingleton<IAmazonS3>(ClientServiceKey, (_, _) => S3BlobStoreFactory.CreateClient(options));
        services.AddSingleton(sp => new S3BlobStore(
            sp.GetRequiredKeyedService<IAmazonS3>(ClientServiceKey),
            bucket,
            prefix,
            sp.GetRequiredService<ILogger<S3BlobStore>>()));
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<S3BlobStore>());
        services.AddSingleton<IBlobBatchStore>(sp => new DurablePutsBatchStore(sp.GetRequiredService<S3BlobStore>()));
        if (options.PresignedDownloads)
        {
            services.AddSingleton<IBlobLinks>(sp => new S3PresignedLinks(
                sp.GetRequiredKeyedService<IAmazonS3>(ClientServiceKey),
                bucket,
                prefix,
                options.ServiceUrl,
                TimeSpan.FromSeconds(options.PresignedDownloadSeconds),
                sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            services.AddSingleton<IBlobLinks>(BlobsThroughThisServer.Instance);
        }
        return services;
    }
}
