using GhostCrate.Core.Catalog;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using GhostCrate.Packaging;
using GhostCrate.Packaging.Source;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Ui.Source;

/// <summary>
/// Opens the stored .crate of a private version for the source browser and the version diff, after the same
/// visibility check as the crate page (a restricted crate the viewer may not read does not exist for them).
/// The .crate is read whole into memory: it is at most Registry:MaxCrateSizeBytes, and every read after that is a
/// capped, streaming pass (<see cref="CrateSourceReader"/>).
/// </summary>
public sealed class CrateSources(CrateDetailsService details, IBlobStore blobs, IOptions<RegistryOptions> registry)
{
    /// <summary>Most of one file shown on its page; the rest is cut with a note.</summary>
    public const int MaxShownFileBytes = 1024 * 1024;

    /// <summary>Most of one file compared in a diff, and most content compared in all.</summary>
    public const int MaxDiffFileBytes = 256 * 1024;
    public const long MaxDiffTotalBytes = 8L * 1024 * 1024;

    public TarballLimits Limits => new(registry.Value.MaxUnpackedSizeBytes, registry.Value.MaxTarballEntries);

    /// <summary>The version (and its crate) with its .crate bytes, or null when it does not exist for the viewer.</summary>
    public async Task<OpenedCrate?> OpenAsync(string name, string? version, Principal? viewer, CancellationToken cancellationToken)
    {
        var found = await details.GetAsync(name, version, viewer, cancellationToken);
        return found is null ? null : new OpenedCrate(found, await ReadAsync(found, cancellationToken));
    }

    /// <summary>The paths of the files in a version's .crate (for README links and images), or null without a .crate.</summary>
    public async Task<IReadOnlySet<string>?> PathsAsync(CrateDetails version, CancellationToken cancellationToken)
    {
        if (await ReadAsync(version, cancellationToken) is not { } bytes) return null;
        var listing = CrateSourceReader.List(bytes, version.Crate.Name, version.Version.Version, Limits);
        return listing.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<ReadOnlyMemory<byte>?> ReadAsync(CrateDetails found, CancellationToken cancellationToken)
    {
        await using var content = await blobs.OpenReadAsync(BlobKey.CrateFile(found.Crate.Name, found.Version.Version), cancellationToken);
        if (content is null || content.Length > registry.Value.MaxCrateSizeBytes) return null;
        using var buffer = new MemoryStream((int)Math.Max(0, content.Length));
        await content.Stream.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}

/// <summary>A version and its .crate bytes (null when the blob is missing or larger than the registry accepts).</summary>
public sealed record OpenedCrate(CrateDetails Details, ReadOnlyMemory<byte>? Bytes)
{
    public string Name => Details.Crate.Name;
    public string Version => Details.Version.Version;
}
