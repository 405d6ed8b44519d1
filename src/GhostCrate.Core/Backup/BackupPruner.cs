namespace GhostCrate.Core.Backup;

/// <summary>
/// What `backup prune` kept and deleted (or would delete, on a dry run). <paramref name="Retained"/>: deleted backups
/// whose folders still hold files that kept, incremental backups reference (their manifests are gone).
/// <paramref name="Running"/>: incomplete backups left alone because a `backup create` is still writing them.
/// </summary>
public sealed record PruneReport(IReadOnlyList<string> Kept, IReadOnlyList<string> Deleted, IReadOnlyList<string> Retained, IReadOnlyList<string>? Running = null);

/// <summary>
/// `backup prune`: keeps the complete backups a <see cref="BackupRetention"/> selects and deletes the other complete
/// ones. An incomplete backup is deleted only when it is older than the oldest backup kept and its
/// <see cref="RunningMarker"/> is missing or stale: a `backup create` still writing it renews the marker, whatever its
/// start time (a scheduled backup re-run after a failed attempt, a slow one overtaken by a "back up now"). The backup a
/// running one references blobs in (the marker's base) is kept as well. With no complete backup at all, nothing is
/// deleted. Files that a kept incremental backup references are never deleted.
/// </summary>
public static class BackupPruner
{
    /// <summary>`--keep N`: the N newest complete backups.</summary>
    public static Task<PruneReport> PruneAsync(IBackupLocation location, int keep, bool dryRun, CancellationToken cancellationToken)
    {
        if (keep < 1) throw new BackupException("--keep must be at least 1: prune never deletes the newest complete backup");
        return PruneAsync(location, new BackupRetention(Last: keep), dryRun, TimeProvider.System, cancellationToken);
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    public static Task<PruneReport> PruneAsync(IBackupLocation location, BackupRetention retention, bool dryRun, CancellationToken cancellationToken) =>
        PruneAsync(location, retention, dryRun, TimeProvider.System, cancellationToken);

    /// <summary>Prunes; <paramref name="time"/> tells a live running marker from a stale one.</summary>
    public static async Task<PruneReport> PruneAsync(IBackupLocation location, BackupRetention retention, bool dryRun, TimeProvider time, CancellationToken cancellationToken)
    {
        if (retention.Problem is { } problem) throw new BackupException(problem);
        var listings = await BackupCatalog.ListAsync(location, cancellationToken);
        var complete = listings.Where(l => l.Complete).ToList();
        if (complete.Count == 0) return new PruneReport([], [], []);

        // Every rule keeps at least the newest backup, so the kept list is never empty here.
        var now = time.GetUtcNow();
        var running = listings.Where(l => !l.Complete && l.Running is { } marker && marker.IsLive(now)).ToList();
        var byRule = retention.Select(complete.Select(l => (l.Id, l.Manifest!.CreatedAt)));
        var oldestKept = byRule.Min(StringComparer.Ordinal)!;
        // A running backup's base: its references are to files there (and to what the base references in turn).
        var bases = running.Select(l => l.Running!.Base).OfType<string>().Where(id => complete.Any(c => c.Id == id) && !byRule.Contains(id)).Distinct();
        var kept = byRule.Concat(bases.Order(StringComparer.Ordinal).Reverse()).ToList();
        var keptSet = kept.ToHashSet(StringComparer.Ordinal);
        var live = running.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        var deleted = complete.Where(l => !keptSet.Contains(l.Id)).Select(l => l.Id)
            // Ids are UTC start times (yyyyMMddTHHmmssZ), so an ordinal comparison is a comparison of start times.
            .Concat(listings.Where(l => !l.Complete && !live.Contains(l.Id) && string.CompareOrdinal(l.Id, oldestKept) < 0).Select(l => l.Id))
            .Order(StringComparer.Ordinal).ToList();
        // An incremental backup's blobs may be stored in an older backup: those files outlive the older backup's
        // deletion for as long as a kept backup references them.
        var keptManifests = complete.Where(l => keptSet.Contains(l.Id)).Select(l => l.Manifest!).ToList();
        var referenced = BackupCatalog.ReferencedFiles(keptManifests);
        if (!dryRun)
        {
            // Every manifest goes before any file: from then on no new backup create takes one of these as its base.
            var doomed = complete.Where(l => deleted.Contains(l.Id)).ToDictionary(l => l.Id, l => l.Manifest!, StringComparer.Ordinal);
            foreach (var id in doomed.Keys) await location.RemoveManifestAsync(id, cancellationToken);
            // A backup create that read one of them as its newest complete backup before that, and wrote its running
            // marker after the listing above, is writing a backup that references it. It wrote its marker before it
            // checked that its base's manifest is still there (BackupCreator); so either it saw the manifest gone and
            // copies everything, or its marker is there to be read now. Its base's blobs stay.
            var (lateBases, nowLive) = await LateBasesAsync(location, doomed.Keys, now, cancellationToken);
            live.UnionWith(nowLive);
            deleted.RemoveAll(nowLive.Contains);
            if (lateBases.Count > 0)
                referenced = BackupCatalog.ReferencedFiles(keptManifests.Concat(lateBases.Select(id => doomed[id]).Select(AsReferences)));
            foreach (var id in deleted) await location.DeleteAsync(id, referenced.GetValueOrDefault(id) ?? EmptySet, cancellationToken);
        }
        var retained = deleted.Where(referenced.ContainsKey).ToList();
        return new PruneReport(kept, deleted.Where(id => !referenced.ContainsKey(id)).ToList(), retained, live.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Reads the running markers again: the deleted backups that a live one names as its base, and the incomplete
    /// backups that turned out to be live after all (a marker renewed since the listing).
    /// </summary>
    private static async Task<(IReadOnlySet<string> Bases, IReadOnlySet<string> Live)> LateBasesAsync(IBackupLocation location, IEnumerable<string> doomed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var doomedSet = doomed.ToHashSet(StringComparer.Ordinal);
        var bases = new HashSet<string>(StringComparer.Ordinal);
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in await location.ListIdsAsync(cancellationToken))
        {
            if (RunningMarker.TryParse(await location.Open(id).ReadRunningMarkerAsync(cancellationToken)) is not { } marker || !marker.IsLive(now)) continue;
            // A doomed complete backup has lost its manifest already; a marker left from its own commit changes nothing.
            if (!doomedSet.Contains(id)) live.Add(id);
            if (marker.Base is { } baseId && doomedSet.Contains(baseId)) bases.Add(baseId);
        }
        return (bases, live);
    }

    /// <summary>
    /// A manifest as a running incremental backup sees it: every blob and mirror file of the base, in the base itself or
    /// where the base references it (<see cref="BackupCreator"/> copies the base's entries with <c>stored_in</c> filled in).
    /// </summary>
    private static BackupManifest AsReferences(BackupManifest baseManifest) =>
        baseManifest with
        {
            Blobs = baseManifest.Blobs.Select(b => b with { StoredIn = b.StoredIn ?? baseManifest.Id }).ToList(),
            Mirror = baseManifest.Mirror is { } mirror ? mirror with { Objects = mirror.Objects.Select(o => o with { StoredIn = o.StoredIn ?? baseManifest.Id }).ToList() } : null,
        };
}
