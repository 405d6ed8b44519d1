namespace GhostCrate.Core.Backup;

/// <summary>What `backup prune` kept and deleted (or would delete, on a dry run).</summary>
public sealed record PruneReport(IReadOnlyList<string> Kept, IReadOnlyList<string> Deleted);

/// <summary>
/// `backup prune --keep N`: keeps the N newest complete backups and deletes the older complete ones. An incomplete
/// backup is deleted only when it is older than the oldest backup kept: a newer one may be a `backup create` still
/// running. With no complete backup at all, nothing is deleted.
/// </summary>
public static class BackupPruner
{
    public static async Task<PruneReport> PruneAsync(IBackupLocation location, int keep, bool dryRun, CancellationToken cancellationToken)
    {
        if (keep < 1) throw new BackupException("--keep must be at least 1: prune never deletes the newest complete backup");
        var listings = await BackupCatalog.ListAsync(location, cancellationToken);
        var complete = listings.Where(l => l.Complete)
            .OrderByDescending(l => l.Manifest!.CreatedAt).ThenByDescending(l => l.Id, StringComparer.Ordinal).ToList();
        if (complete.Count == 0) return new PruneReport([], []);

        var kept = complete.Take(keep).ToList();
        var oldestKept = kept[^1].Id;
        var deleted = complete.Skip(keep).Select(l => l.Id)
            // Ids are UTC start times (yyyyMMddTHHmmssZ), so an ordinal comparison is a comparison of start times.
            .Concat(listings.Where(l => !l.Complete && string.CompareOrdinal(l.Id, oldestKept) < 0).Select(l => l.Id))
            .Order(StringComparer.Ordinal).ToList();
        if (!dryRun)
        {
            foreach (var id in deleted) await location.DeleteAsync(id, cancellationToken);
        }
        return new PruneReport(kept.Select(l => l.Id).ToList(), deleted);
    }
}
