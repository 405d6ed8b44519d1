namespace GhostCrate.Core.Backup;

/// <summary>One line of `backup list`: complete backups carry their manifest; incomplete ones say so.</summary>
public sealed record BackupListing(string Id, BackupManifest? Manifest, string? Problem)
{
    public bool Complete => Manifest is not null;
    public long Bytes => Manifest is null ? 0 : Manifest.Database.Size + Manifest.Blobs.Sum(b => b.Size);
}

/// <summary>`backup list`: reads each backup's manifest (cheap: no hashing; `verify` does that).</summary>
public static class BackupCatalog
{
    public static async Task<IReadOnlyList<BackupListing>> ListAsync(IBackupLocation location, CancellationToken cancellationToken)
    {
        var listings = new List<BackupListing>();
        foreach (var id in (await location.ListIdsAsync(cancellationToken)).Order(StringComparer.Ordinal))
        {
            var json = await location.Open(id).ReadManifestAsync(cancellationToken);
            if (json is null)
            {
                listings.Add(new BackupListing(id, null, "incomplete: no manifest"));
                continue;
            }
            try
            {
                listings.Add(new BackupListing(id, BackupManifest.Parse(json), null));
            }
            catch (BackupException ex)
            {
                listings.Add(new BackupListing(id, null, ex.Message));
            }
        }
        return listings;
    }
}
