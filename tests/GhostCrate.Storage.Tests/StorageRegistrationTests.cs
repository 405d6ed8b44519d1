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
    public void S3_registration_without_a_bucket_fails_at_start_up()
    {
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGhostCrateS3Storage(new S3StorageOptions()));
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
