using GhostCrate.Core.Catalog;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using GhostCrate.Packaging;
using GhostCrate.Packaging.Source;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Ui.Source;

/// <summary>
/// Reads the stored .crate of a private version for the source browser, the version diff and README images, after
/// the same visibility check as the crate page (a restricted crate the viewer may not read does not exist for them).
/// A .crate is at most Registry:MaxCrateSizeBytes, but may unpack to far more (Registry:MaxUnpackedSizeBytes), so the
/// results that need a whole pass (a listing, a diff) are kept per node, keyed by the .crate's SHA-256: a version's
/// files never change, and a page reload or a crawler does not make the server inflate the archive again.
/// </summary>
public sealed class CrateSources(CrateDetailsService details, IBlobStore blobs, IOptions<RegistryOptions> registry) : IDisposable
{
    /// <summary>Most of one file shown on its page; the rest is cut with a note.</summary>
    public const int MaxShownFileBytes = 1024 * 1024;

    /// <summary>Most of one file compared in a diff, and most content compared in all.</summary>
    public const int MaxDiffFileBytes = 256 * 1024;
    public const long MaxDiffTotalBytes = 8L * 1024 * 1024;

    // Sizes in KiB, about 32 MiB in all.
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 32 * 1024 });

    public TarballLimits Limits => new(registry.Value.MaxUnpackedSizeBytes, registry.Value.MaxTarballEntries);

    /// <summary>The version and its crate, or null when it does not exist for the viewer.</summary>
    public Task<CrateDetails?> FindAsync(string name, string? version, Principal? viewer, CancellationToken cancellationToken) =>
        details.GetAsync(name, version, viewer, cancellationToken);

    /// <summary>A version held for approval, for administrators reviewing it; null for everyone else (a 404).</summary>
    public Task<CrateDetails?> FindHeldForReviewAsync(string name, string version, Principal? viewer, CancellationToken cancellationToken) =>
        details.GetHeldForReviewAsync(name, version, viewer, cancellationToken);

    /// <summary>The files of a version's .crate, or null when its .crate is not in storage.</summary>
    public async Task<CrateSourceListing?> ListAsync(CrateDetails version, CancellationToken cancellationToken)
    {
        var key = ("list", version.Version.Checksum);
        if (cache.TryGetValue<CrateSourceListing>(key, out var known) && known is not null) return known;
        if (await ReadAsync(version, cancellationToken) is not { } bytes) return null;
        var listing = CrateSourceReader.List(bytes, version.Crate.Name, version.Version.Version, Limits);
        cache.Set(key, listing, new MemoryCacheEntryOptions { Size = listing.Files.Count / 8 + 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return listing;
    }

    /// <summary>The paths of the files in a version's .crate (for README links and images), or null without a .crate.</summary>
    public async Task<IReadOnlySet<string>?> PathsAsync(CrateDetails version, CancellationToken cancellationToken) =>
        await ListAsync(version, cancellationToken) is { } listing ? listing.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal) : null;

    /// <summary>One file of the version's .crate, at most <paramref name="maxBytes"/> of it; null when it has no such file.</summary>
    public async Task<CrateSourceFile?> ReadFileAsync(CrateDetails version, string path, int maxBytes, CancellationToken cancellationToken)
    {
        if (await ListAsync(version, cancellationToken) is not { } listing || !listing.Files.Any(f => f.Path == path)) return null;
        if (await ReadAsync(version, cancellationToken) is not { } bytes) return null;
        return CrateSourceReader.Read(bytes, version.Crate.Name, version.Version.Version, path, maxBytes, Limits);
    }

    /// <summary>What changed from <paramref name="from"/> to <paramref name="to"/>, with the first read problem; null without both .crates.</summary>
    public async Task<(CrateDiff Diff, string? Problem)?> DiffAsync(CrateDetails from, CrateDetails to, CancellationToken cancellationToken)
    {
        var key = ("diff", from.Version.Checksum, to.Version.Checksum);
        if (cache.TryGetValue<(CrateDiff, string?)>(key, out var known) && known.Item1 is not null) return known;
        if (await ReadAsync(from, cancellationToken) is not { } a || await ReadAsync(to, cancellationToken) is not { } b) return null;
        var old = CrateSourceReader.ReadAll(a, from.Crate.Name, from.Version.Version, MaxDiffFileBytes, MaxDiffTotalBytes, Limits);
        var @new = CrateSourceReader.ReadAll(b, to.Crate.Name, to.Version.Version, MaxDiffFileBytes, MaxDiffTotalBytes, Limits);
        var result = (SourceDiff.Compare(old, @new), old.Error ?? @new.Error);
        var weight = result.Item1.Files.Sum(f => f.Hunks.Sum(h => h.Lines.Sum(l => l.Html.Length + 16)) + f.Path.Length + 64);
        cache.Set(key, result, new MemoryCacheEntryOptions { Size = weight / 1024 + 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return result;
    }

    private async Task<ReadOnlyMemory<byte>?> ReadAsync(CrateDetails found, CancellationToken cancellationToken)
    {
        await using var content = await blobs.OpenReadAsync(BlobKey.CrateFile(found.Crate.Name, found.Version.Version), cancellationToken);
        if (content is null || content.Length > registry.Value.MaxCrateSizeBytes) return null;
        using var buffer = new MemoryStream((int)Math.Max(0, content.Length));
        await content.Stream.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    public void Dispose() => cache.Dispose();
}
