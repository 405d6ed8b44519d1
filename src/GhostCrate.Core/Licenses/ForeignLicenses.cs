using GhostCrate.Core.Advisories;
using GhostCrate.Core.Storage;
using GhostCrate.Packaging;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Licenses;

/// <summary>
/// Licences of the crates this registry serves without their having been published to it: proxied (cached .crate
/// files) and mirrored (the offline mirror's served versions), for the licence report (docs/security.md "Licences").
/// The index carries no licence, so it is read from the .crate's Cargo.toml the first time the report meets a file
/// and stored with the file's checksum: a .crate never changes, so each is read once, by whichever node comes first.
/// </summary>
public sealed class ForeignLicenses(ILicenseRepository store, IBlobStore blobs, IMirroredCrateFiles mirror, ILogger<ForeignLicenses> logger)
{
    private const string ProxyPrefix = "proxy:";

    /// <summary>One report row per proxied and mirrored version (not yet parsed: the report parses declared licences).</summary>
    public async Task<IReadOnlyList<LicensedVersionRow>> ListAsync(CancellationToken cancellationToken)
    {
        var known = (await store.ListForeignLicensesAsync(cancellationToken))
            .ToDictionary(l => (l.Source, l.CrateName, l.Version));
        var rows = new List<LicensedVersionRow>();
        foreach (var file in (await store.ListProxiedFilesAsync(cancellationToken)).Concat(mirror.List()))
        {
            string? declared;
            if (known.TryGetValue((file.Source, file.CrateName, file.Version), out var stored)
                && string.Equals(stored.Checksum, file.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                declared = stored.Declared;
            }
            else
            {
                var read = await ReadAsync(file, cancellationToken);
                if (!read.Readable)
                {
                    // Left out rather than reported as "custom": nothing is known about it. The next report tries again.
                    logger.LogWarning("The licence of {Crate} {Version} ({Source}) could not be read from its .crate", file.CrateName, file.Version, file.Source);
                    continue;
                }
                declared = read.License;
                await store.RecordForeignLicenseAsync(new ForeignLicense(file.Source, file.CrateName, file.Version, file.Checksum, declared), cancellationToken);
            }
            // Yanked is the private versions' column: a proxied or mirrored version's state is its upstream's.
            rows.Add(new LicensedVersionRow(file.CrateName, file.Version, false, file.Source, declared, false, null, [], false));
        }
        return rows;
    }

    private async Task<CrateManifestLicense.Outcome> ReadAsync(ForeignCrateFile file, CancellationToken cancellationToken)
    {
        if (file.Source.StartsWith(ProxyPrefix, StringComparison.Ordinal))
        {
            await using var blob = await blobs.OpenReadAsync(BlobKey.ProxyCrateFile(file.Source[ProxyPrefix.Length..], file.CrateName, file.Version), cancellationToken);
            return blob is null ? default : await CrateManifestLicense.ReadAsync(blob.Stream, file.CrateName, file.Version, cancellationToken);
        }
        if (file.Source != VersionSources.Mirror) return default;
        await using var stream = mirror.Open(file);
        return stream is null ? default : await CrateManifestLicense.ReadAsync(stream, file.CrateName, file.Version, cancellationToken);
    }
}
