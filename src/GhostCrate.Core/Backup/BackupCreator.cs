using GhostCrate.Core.Backup.Encryption;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Backup;

/// <summary>
/// `backup create`: database snapshot first, then exactly the blobs that snapshot's rows reference (each version's
/// crate file, and the files of each version's current docs generation), then the manifest last. Blobs of versions published after the snapshot are not copied (their rows are not in it), so a
/// restore never has half a version; blobs the snapshot needs exist, because publish stores the blob before it
/// commits the row (docs/architecture.md, "Publish is crash-safe"). Every run, successful or not, is recorded in the
/// run log, which is where /metrics reads the last success from.
/// </summary>
public sealed class BackupCreator(IDatabaseBackup database, IBackupSnapshotReader snapshots, IBlobStore blobs, IBackupRunLog runs, TimeProvider time, ILogger<BackupCreator> logger)
{
    /// <summary>A full, unencrypted backup.</summary>
    public Task<BackupManifest> CreateAsync(IBackupLocation location, string ghostCrateVersion, CancellationToken cancellationToken) =>
        CreateAsync(location, ghostCrateVersion, new BackupCreateOptions(null, Incremental: false), cancellationToken);

    public async Task<BackupManifest> CreateAsync(IBackupLocation location, string ghostCrateVersion, BackupCreateOptions options, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        string? id = null;
        try
        {
            id = await NewIdAsync(location, started, cancellationToken);
            var (manifest, baseId) = await CreateAsync(location, id, ghostCrateVersion, started, options, cancellationToken);
            await RecordAsync(new BackupRun(started, time.GetUtcNow(), location.Describe, id, true, manifest.Database.Size + manifest.Blobs.Sum(b => b.Size), null, manifest.Encryption is not null,
                baseId, manifest.Blobs.Count, manifest.Blobs.Count(b => b.StoredIn is not null)));
            return manifest;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Backup {BackupId} to {Target} failed", id, location.Describe);
            await RecordAsync(new BackupRun(started, time.GetUtcNow(), location.Describe, id, false, 0, ex.Message, options.Encryption is not null));
            throw;
        }
    }

    /// <summary>A run log that cannot be written must not turn a good backup into a failure, nor hide the real error.</summary>
    private async Task RecordAsync(BackupRun run)
    {
        try
        {
            await runs.RecordAsync(run, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record the backup run in the database; /metrics will not show it");
        }
    }

    /// <summary>Makes the backup; returns its manifest and the earlier backup it was made incremental on (null: a full one).</summary>
    private async Task<(BackupManifest Manifest, string? BaseId)> CreateAsync(IBackupLocation location, string id, string ghostCrateVersion, DateTimeOffset started, BackupCreateOptions options, CancellationToken cancellationToken)
    {
        var previous = await NewestCompleteAsync(location, cancellationToken);
        var key = options.Encryption?.ForNewBackup(previous?.Encryption);
        // An earlier backup's files can only be referenced when they open with this backup's key (or neither has one).
        var baseBackup = options.Incremental && previous is not null && previous.Encryption?.KeyId == key?.KeyId ? previous : null;
        await using var writer = await location.CreateAsync(id, cancellationToken);
        await using var heartbeat = await BackupHeartbeat.StartAsync(writer, baseBackup?.Id, time, logger, cancellationToken);
        // The marker names the base, so prunes from now on keep it. A prune that listed the backups before the marker
        // was there removes the manifests of everything it deletes before it deletes any file, then reads the markers
        // again (BackupPruner): so the base's manifest is either gone now, and this backup copies everything, or the
        // prune sees this marker and keeps the base's files. Hence the order: marker first, then this check.
        if (baseBackup is not null && !await StillCompleteAsync(location, baseBackup.Id, cancellationToken))
        {
            logger.LogInformation("Backup {BackupId}: the previous backup {BaseId} was pruned meanwhile; copying every file", id, baseBackup.Id);
            baseBackup = null;
        }
        var bases = baseBackup is null
            ? []
            : baseBackup.Blobs.GroupBy(b => b.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First() with { StoredIn = g.First().StoredIn ?? baseBackup.Id }, StringComparer.Ordinal);
        var copy = new BlobCopier(writer, blobs, key, bases);

        var snapshot = await database.SnapshotAsync(writer.StagingFolder, cancellationToken);
        var contents = await snapshots.ReadAsync(snapshot, cancellationToken);
        var databaseFile = BackupPaths.DatabaseFile(snapshot.Format);
        // The copy's integrity check (the quick one: see SnapshotCheck) and its storing (hashed, moved or encrypted) read the whole database file: they run
        // while the blobs are copied (a few seconds of a 2 GB database, hidden behind the blobs' own time). The
        // manifest is written only after both succeeded, so a damaged copy still fails the backup.
        using var stopDatabase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var storingDatabase = Task.Run(async () =>
        {
            await snapshots.CheckIntegrityAsync(snapshot, SnapshotCheck.Quick, stopDatabase.Token);
            return await BackupFiles.AdoptAsync(writer, databaseFile, snapshot.LocalFile, key, stopDatabase.Token);
        }, CancellationToken.None);
        List<BackupBlobEntry> entries;
        var copyStarted = time.GetTimestamp();
        try
        {
            entries = await CopyBlobsAsync(contents, copy, options, heartbeat, cancellationToken);
        }
        catch
        {
            await stopDatabase.CancelAsync();
            await Task.WhenAny(storingDatabase); // not left running (nor its failure unobserved) once the backup has failed
            throw;
        }
        logger.LogInformation("Backup {BackupId}: {Blobs} blobs copied or referenced in {Seconds:F1} s", id, entries.Count, time.GetElapsedTime(copyStarted).TotalSeconds);
        var databaseFacts = await storingDatabase;
        logger.LogInformation("Backup {BackupId}: database snapshot of {Versions} versions, {Bytes} bytes", id, contents.Versions.Count, databaseFacts.Size);
        var mirror = options.MirrorDirectory is { } mirrorRoot ? await MirrorCopier.CopyAsync(mirrorRoot, writer, key, baseBackup, heartbeat, cancellationToken) : null;
        var includes = new List<string>();
        if (options.IncludeProxyCache) includes.Add(BackupManifest.ProxyCache);
        if (mirror is not null) includes.Add(BackupManifest.MirrorPart);

        var manifest = new BackupManifest(BackupManifest.CurrentFormatVersion, id, ghostCrateVersion, started,
            new BackupDatabaseEntry(snapshot.Format, databaseFile, databaseFacts.Size, databaseFacts.Sha256, contents.Migrations),
            contents.Counts, entries, key?.Describe(), includes.Count == 0 ? null : includes, mirror);
        manifest = manifest with { FormatVersion = manifest.RequiredFormatVersion };
        await heartbeat.StopRenewingAsync();
        // Where a backup's time goes is an operator's first question: the commit is the one wait for the disk
        // (everything written is made durable before the manifest).
        var commitStarted = time.GetTimestamp();
        await writer.CommitAsync(manifest.ToJson(key), cancellationToken);
        logger.LogInformation("Backup {BackupId}: files made durable and manifest written in {Seconds:F1} s", id, time.GetElapsedTime(commitStarted).TotalSeconds);
        var referenced = entries.Count(e => e.StoredIn is not null);
        logger.LogInformation("Backup {BackupId} complete: {Blobs} blobs ({Referenced} referenced from earlier backups){Encrypted} in {Seconds:F1} s",
            id, entries.Count, referenced, key is null ? "" : ", encrypted", (time.GetUtcNow() - started).TotalSeconds);
        return (manifest, baseBackup?.Id);
    }

    /// <summary>The blobs the snapshot references (crate files, current docs) and, when asked, the proxy's cached files.</summary>
    private async Task<List<BackupBlobEntry>> CopyBlobsAsync(SnapshotContents contents, BlobCopier copy, BackupCreateOptions options, BackupHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var entries = new List<BackupBlobEntry>(contents.Versions.Count);
        entries.AddRange(await CopyEachAsync(contents.Versions, copy.CrateFileAsync, heartbeat, cancellationToken));
        var docsFiles = await CopyEachAsync(contents.Docs, ListDocsAsync, heartbeat, cancellationToken);
        entries.AddRange(await CopyEachAsync(docsFiles.SelectMany(f => f).ToList(), (file, token) => copy.DocsFileAsync(file.Docs, file.Path, token), heartbeat, cancellationToken));
        if (options.IncludeProxyCache)
        {
            // No row lists the cache's files (the proxy stores a file before it serves it), so the storage listing is
            // what is copied; what the cache gains after the listing is simply not in this backup.
            var cached = new List<string>();
            await foreach (var path in blobs.ListAsync(ProxyCachePrefix, cancellationToken)) cached.Add(path);
            cached.Sort(StringComparer.Ordinal);
            entries.AddRange((await CopyEachAsync(cached, copy.CachedFileAsync, heartbeat, cancellationToken)).OfType<BackupBlobEntry>());
        }
        return entries;
    }

    /// <summary>Where the proxy keeps its cached crate files (<see cref="BlobKey.ProxyCrateFile"/>).</summary>
    public const string ProxyCachePrefix = "proxy/";

    private static async Task<bool> StillCompleteAsync(IBackupLocation location, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await location.Open(id).ReadManifestAsync(cancellationToken) is not null;
        }
        catch (BackupException)
        {
            return false; // the folder is gone altogether
        }
    }

    private static async Task<BackupManifest?> NewestCompleteAsync(IBackupLocation location, CancellationToken cancellationToken)
    {
        var listings = await BackupCatalog.ListAsync(location, cancellationToken);
        return listings.Where(l => l.Complete).Select(l => l.Manifest!).MaxBy(m => m.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// Lists every file of a version's current docs generation. The row names the generation but not its files, so
    /// they are listed from storage; the row's file count is the check that the listing is whole. A generation can
    /// only vanish if an upload replaced it after the snapshot and its delete job already ran: then the backup fails
    /// (the next run takes a fresh snapshot) rather than restoring a row whose pages are missing.
    /// </summary>
    private async Task<IReadOnlyList<(SnapshotDocs Docs, string Path)>> ListDocsAsync(SnapshotDocs docs, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        await foreach (var path in blobs.ListAsync(docs.Prefix, cancellationToken)) paths.Add(path);
        paths.Sort(StringComparer.Ordinal);
        if (paths.Count != docs.Files)
            throw new BackupException($"{docs.Prefix}: the docs of {docs.Crate} {docs.Version} have {paths.Count} stored files but the database says {docs.Files} " +
                "(replaced while the backup ran?); nothing was committed, run the backup again");
        return paths.Select(path => (docs, path)).ToList();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on every item, <see cref="BackupRestorer.CopyParallelism"/> at a time (most blobs
    /// are small, so a copy is mostly the latency of an open and a write, or of an S3 request, which overlap), and
    /// returns the results in the items' order, so the manifest lists blobs in the same order whichever copy finished
    /// first. The first failure cancels the copies still running and is rethrown: the manifest is never written then.
    /// </summary>
    internal static async Task<TResult[]> CopyEachAsync<TItem, TResult>(IReadOnlyList<TItem> items, Func<TItem, CancellationToken, Task<TResult>> work, BackupHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var results = new TResult[items.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = BackupRestorer.CopyParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), parallel, async (i, token) =>
        {
            results[i] = await work(items[i], token);
            await heartbeat.RenewIfDueAsync();
        });
        return results;
    }

    /// <summary>A UTC timestamp, so ids sort by time; a suffix when two backups start in the same second.</summary>
    private static async Task<string> NewIdAsync(IBackupLocation location, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = (await location.ListIdsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var baseId = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var id = baseId;
        for (var n = 2; existing.Contains(id); n++) id = $"{baseId}-{n}";
        return id;
    }
}
