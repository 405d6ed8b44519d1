using Amazon.S3;
using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using GhostCrate.Storage.FileSystem;
using GhostCrate.Storage.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Storage.Tests;

public sealed class StorageRegistrationTests
{
    [Fact]
    public void The_file_system_store_is_the_singleton_blob_store()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ghostcrate-di-{Guid.NewGuid():N}");
        var services = new ServiceCollection().AddGhostCrateFileSystemStorage(root);

        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(IBlobStore));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
        var store = Assert.IsType<FileSystemBlobStore>(descriptor.ImplementationFactory!(new LoggerOnlyServiceProvider()));
        Assert.Equal(Path.GetFullPath(root), store.RootPath);
        // A restore writes through the batched writer of the same folder (one sync at the end, not one per file).
        Assert.IsType<FileSystemBlobBatchStore>(Assert.Single(services, d => d.ServiceType == typeof(IBlobBatchStore)).ImplementationInstance);
    }

    [Fact]
    public void The_s3_store_and_its_keyed_client_are_singletons()
    {
        var services = new ServiceCollection().AddGhostCrateS3Storage(new S3StorageOptions
        {
            Bucket = "registry",
            Prefix = "ghostcrate",
            ServiceUrl = "http://127.0.0.1:9000",
            AccessKeyId = "key",
            SecretAccessKey = "secret",
        });

        Assert.Equal(ServiceLifetime.Singleton, Assert.Single(services, d => d.ServiceType == typeof(IBlobStore)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, Assert.Single(services, d => d.ServiceType == typeof(S3BlobStore)).Lifetime);
        Assert.Equal(ServiceLifetime.Singleton, Assert.Single(services, d => d.ServiceType == typeof(IBlobBatchStore)).Lifetime);
        var client = Assert.Single(services, d => d.ServiceType == typeof(IAmazonS3));
        Assert.Equal(S3StorageServiceCollectionExtensions.ClientServiceKey, client.ServiceKey);
        Assert.Equal(ServiceLifetime.Singleton, client.Lifetime);
    }

    [Fact]
    public void Downloads_go_through_this_server_unless_presigned_downloads_are_on()
    {
        var files = new ServiceCollection().AddGhostCrateFileSystemStorage(Path.Combine(Path.GetTempPath(), $"ghostcrate-di-{Guid.NewGuid():N}"));
        Assert.Same(BlobsThroughThisServer.Instance, Assert.Single(files, d => d.ServiceType == typeof(IBlobLinks)).ImplementationInstance);

        var options = new S3StorageOptions { Bucket = "registry", ServiceUrl = "http://127.0.0.1:9000", AccessKeyId = "key", SecretAccessKey = "secret" };
        var streamed = new ServiceCollection().AddGhostCrateS3Storage(options);
        Assert.Same(BlobsThroughThisServer.Instance, Assert.Single(streamed, d => d.ServiceType == typeof(IBlobLinks)).ImplementationInstance);

        options.PresignedDownloads = true;
        var presigned = Assert.Single(new ServiceCollection().AddGhostCrateS3Storage(options), d => d.ServiceType == typeof(IBlobLinks));
        using var client = S3BlobStoreFactory.CreateClient(options);
        Assert.IsType<S3PresignedLinks>(presigned.ImplementationFactory!(new ClientAndClockServiceProvider(client)));
    }

    [Fact]
    public void S3_registration_without_a_bucket_fails_at_start_up()
    {
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGhostCrateS3Storage(new S3StorageOptions()));
    }

    /// <summary>The keyed S3 client and the clock, for the presigned links' factory.</summary>
    private sealed class ClientAndClockServiceProvider(IAmazonS3 client) : IServiceProvider, IKeyedServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(TimeProvider) ? TimeProvider.System : null;

        public object? GetKeyedService(Type serviceType, object? serviceKey) =>
            serviceType == typeof(IAmazonS3) && Equals(serviceKey, S3StorageServiceCollectionExtensions.ClientServiceKey) ? client : null;

        public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
            GetKeyedService(serviceType, serviceKey) ?? throw new InvalidOperationException($"no {serviceType} for key {serviceKey}");
    }

    /// <summary>Just enough of a container to run the registered factory (the DI implementation is not referenced here).</summary>
    private sealed class LoggerOnlyServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType.IsGenericType && serviceType.GetGenericTypeDefinition() == typeof(ILogger<>)
                ? Activator.CreateInstance(typeof(NullLogger<>).MakeGenericType(serviceType.GetGenericArguments()))
                : null;
    }
}
