using GhostCrate.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Storage.FileSystem;

public static class FileSystemStorageServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="FileSystemBlobStore"/> rooted at <paramref name="rootPath"/> as the singleton <see cref="IBlobStore"/> (and its batched writer for restores).</summary>
    public static IServiceCollection AddGhostCrateFileSystemStorage(this IServiceCollection services, string rootPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        services.AddSingleton<IBlobStore>(sp =>
            new FileSystemBlobStore(rootPath, sp.GetRequiredService<ILogger<FileSystemBlobStore>>()));
        services.AddSingleton<IBlobBatchStore>(new FileSystemBlobBatchStore(rootPath));
        // Files are sent by this server (and its download fast path), never by a link to the disk.
        services.AddSingleton<IBlobLinks>(BlobsThroughThisServer.Instance);
        return services;
    }
}
