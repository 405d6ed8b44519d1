namespace GhostCrate.Core.Backup;

/// <summary>
/// One line of `backup list`: complete backups carry their manifest; incomplete ones say so, and carry the
/// <see cref="RunningMarker"/> of a `backup create` that may still be writing them.
/// </summary>
public sealed record BackupListing(string Id, BackupManifest? Manifest, string? Problem, RunningMarker? Running = null)
{
    public bool Complete => Manifest is not null;
    public long Bytes => Manifest is null ? 0 : Manifest.Files().Sum(f => f.Size);

    /// <summary>What this backup's own folder holds (an incremental backup references the rest).</summary>
    public long OwnBytes => Manifest is null ? 0 : Manifest.Files().Where(f => f.StoredIn is null).Sum(f => f.Size);
}

/// <summary>`backup list`: reads each backup's manifest (cheap: no hashing; `verify` does that).</summary>
public static class BackupCatalog
{
    public static async Task<IReadOnlyList<BackupListing>> ListAsync(IBackupLocation location, CancellationToken cancellationToken)
    {
        var listings = new List<BackupListing>();
        foreach (var id in (await location.ListIdsAsync(cancellationToken)).Order(StringComparer.Ordinal))
        {
            var reader = location.Open(id);
            var json = await reader.ReadManifestAsync(cancellationToken);
            if (json is null)
            {
                listings.Add(new BackupListing(id, null, null, RunningMarker.TryParse(await reader.ReadRunningMarkerAsync(cancellationToken))));
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
        // A folder without a manifest is either unfinished, or a pruned backup that keeps the files later ones reference.
        var referenced = ReferencedFiles(listings.Where(l => l.Complete).Select(l => l.Manifest!));
        return listings.Select(l => l.Complete || l.Problem is not null ? l
            : l with
            {
                Problem = referenced.TryGetValue(l.Id, out var files) ? $"pruned: keeps {files.Count} file(s) that later backups reference"
                    : l.Running is { } running ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"incomplete: no manifest; its backup create was last seen running at {running.RenewedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z")
                    : "incomplete: no manifest",
            }).ToList();
    }

    /// <summary>Backup id → the files in it that <paramref name="manifests"/> reference (relative paths in that backup).</summary>
    public static Dictionary<string, IReadOnlySet<string>> ReferencedFiles(IEnumerable<BackupManifest> manifests)
    {
        var referenced = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in manifests.SelectMany(m => m.Files()).Where(f => f.StoredIn is not null))
        {
            if (!referenced.TryGetValue(file.StoredIn!, out var files)) referenced[file.StoredIn!] = files = new HashSet<string>(StringComparer.Ordinal);
            files.Add(file.Path);
        }
        return referenced.ToDictionary(r => r.Key, r => (IReadOnlySet<string>)r.Value, StringComparer.Ordinal);
    }
}
