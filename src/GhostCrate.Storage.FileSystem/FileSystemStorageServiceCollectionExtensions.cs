using GhostCrate.Core.Index;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Storage.FileSystem;

public static class FileSystemStorageServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="FileSystemBlobStore"/> rooted at <paramref name="rootPath"/> as the singleton <see cref="IBlobStore"/>.</summary>
    public static IServiceCollection AddGhostCrateFileSystemStorage(this IServiceCollection services, string rootPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        services.AddSingleton<IBlobStore>(sp =>
            new FileSystemBlobStore(rootPath, sp.GetRequiredService<ILogger<FileSystemBlobStore>>()));
        return services;
    }

    /// <summary>Registers an <see cref="IndexSpillDirectory"/> under <paramref name="parentPath"/> as the <see cref="IIndexFileSpill"/>.</summary>
    public static IServiceCollection AddGhostCrateIndexSpill(this IServiceCollection services, string parentPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(parentPath);
        services.AddSingleton<IIndexFileSpill>(sp => new IndexSpillDirectory(parentPath, sp.GetRequiredService<ILogger<IndexSpillDirectory>>()));
        return services;
    }
}
