using System.Collections.Concurrent;
using GhostCrate.Core.Backup.Encryption;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Backup;

/// <summary>The outcome of verifying one backup: its manifest (null when it has none), every problem found, and the key that opens it (null: not encrypted).</summary>
public sealed record BackupVerification(BackupManifest? Manifest, IReadOnlyList<BackupProblem> Problems, BackupKey? Key = null)
{
    public bool Ok => Manifest is not null && Problems.Count == 0;
}

/// <summary>
/// `backup verify`: every file's size and SHA-256 against the manifest; deep: the database copy's version rows against
/// the blobs and, for `backup verify --deep` (not a restore's verification), SQLite's full integrity_check of the copy. The database file is checked from a scratch copy made while hashing, so what is checked is what was
/// hashed. An encrypted backup needs its key: the manifest's MAC is checked first, then every file is decrypted (each
/// chunk authenticated) and its plaintext measured. Blobs an incremental backup references are checked where they are.
/// </summary>
public sealed class BackupVerifier(IBackupSnapshotReader snapshots)
{
    public Task<BackupVerification> VerifyAsync(IBackupReader backup, bool deep, CancellationToken cancellationToken) =>
        VerifyAsync(backup, deep, keys: null, cancellationToken);

    public async Task<BackupVerification> VerifyAsync(IBackupReader backup, bool deep, BackupKeySource? keys, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("ghostcrate-verify-");
        try
        {
            return await VerifyAsync(backup, deep, keys, scratch.FullName, cancellationToken);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Verifies, leaving the (decrypted) database copy in <paramref name="scratchFolder"/> (restore installs that very file).</summary>
    public async Task<BackupVerification> VerifyAsync(IBackupReader backup, bool deep, BackupKeySource? keys, string scratchFolder, CancellationToken cancellationToken)
    {
        var opened = await OpenAsync(backup, keys, cancellationToken);
        if (opened.Manifest is not { } manifest) return opened;
        var checkedFiles = await CheckFilesAsync(backup, manifest, opened.Key, deep, scratchFolder, stageInto: null, cancellationToken);
        if (!deep || !checkedFiles.Ok) return checkedFiles;
        // `backup create` ran only the quick check on its fresh snapshot (SnapshotCheck); the deep verification is where
        // the full one runs: whether every index holds exactly its table's rows.
        try
        {
            await snapshots.CheckIntegrityAsync(new DatabaseSnapshot(manifest.Database.Format, ScratchDatabase(scratchFolder, manifest)), SnapshotCheck.Full, cancellationToken);
            return checkedFiles;
        }
        catch (BackupException ex)
        {
            return checkedFiles with { Problems = [new BackupProblem(manifest.Database.File, ex.Message)] };
        }
    }

    /// <summary>
    /// Reads the manifest and, for an encrypted backup, finds its key and checks the manifest's MAC: a verification
    /// with the manifest and no problems, or without a manifest and the problem. Reads no other file.
    /// </summary>
    public async Task<BackupVerification> OpenAsync(IBackupReader backup, BackupKeySource? keys, CancellationToken cancellationToken)
    {
        var json = await backup.ReadManifestAsync(cancellationToken);
        if (json is null)
            return new BackupVerification(null, [new BackupProblem(BackupManifest.FileName, "missing: the backup is incomplete (it never finished, or was interrupted)")]);
        try
        {
            var manifest = BackupManifest.Parse(json);
            BackupKey? key = null;
            if (manifest.Encryption is { } encryption)
            {
                key = (keys ?? throw new BackupException($"{BackupManifest.FileName}: the backup is encrypted; give its key (--key-file FILE or --passphrase-env VAR)"))
                    .ForExisting(encryption);
                if (ManifestMac.Check(json, key) is { } tampered) throw new BackupException($"{BackupManifest.FileName}: {tampered}");
            }
            return new BackupVerification(manifest, [], key);
        }
        catch (BackupException ex)
        {
            return new BackupVerification(null, [new BackupProblem(BackupManifest.FileName, ex.Message.StartsWith(BackupManifest.FileName + ": ", StringComparison.Ordinal) ? ex.Message[(BackupManifest.FileName.Length + 2)..] : ex.Message)]);
        }
    }

    /// <summary>
    /// Measures every file of an opened backup against <paramref name="manifest"/> (and, when <paramref name="deep"/>,
    /// the database copy's rows against the blobs), leaving the database copy in <paramref name="scratchFolder"/>.
    /// With <paramref name="stageInto"/> (a restore), each blob the manifest lists is copied into that batch by the
    /// same read that measures it, so a restore reads each blob once; what was staged is only trustworthy when the
    /// result has no problems.
    /// </summary>
    public async Task<BackupVerification> CheckFilesAsync(IBackupReader backup, BackupManifest manifest, BackupKey? key, bool deep, string scratchFolder, IStagedBlobBatch? stageInto, CancellationToken cancellationToken)
    {
        // Each listed file by where it is stored (a where listed twice: its first entry; the check reports the second).
        var listed = new Dictionary<string, BackupFileEntry>(manifest.Blobs.Count + 1, StringComparer.Ordinal);
        foreach (var file in manifest.Files()) listed.TryAdd(file.Where, file);
        // Which listed file is which blob (by where it is stored); a key listed twice is staged once, from its first
        // entry (the check reports the second).
        var blobKeys = new Dictionary<string, BlobKey>(StringComparer.Ordinal);
        if (stageInto is not null)
        {
            foreach (var blob in manifest.Blobs.DistinctBy(b => b.Key, StringComparer.Ordinal))
                blobKeys.TryAdd(new BackupFileEntry(blob.File, blob.Size, blob.Sha256, blob.StoredIn).Where, BlobKey.FromPath(blob.Key));
        }
        // Files are measured several at a time (as the restore copies them): most are small crate files, where the
        // cost is the open and read latency of each, not the hashing.
        // Sized for every listed file up front: growing a concurrent dictionary rehashes it under all its locks.
        var found = new ConcurrentDictionary<string, FileFacts>(Environment.ProcessorCount, listed.Count, StringComparer.Ordinal);
        var unreadable = new ConcurrentBag<BackupProblem>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = BackupRestorer.CopyParallelism, CancellationToken = cancellationToken };
        async Task MeasureAsync(string where, BackupFileEntry? entry, Stream? stream, Stream? copy, CancellationToken token)
        {
            if (stream is null) return;
            try
            {
                await using (stream)
                {
                    found[where] = stageInto is not null && blobKeys.TryGetValue(where, out var blobKey)
                        ? await stageInto.StageAsync(blobKey, stream, token)
                        : await FileFacts.CopyAsync(stream, copy, token);
                }
            }
            catch (BackupException ex)
            {
                unreadable.Add(new BackupProblem(where, ex.Message.StartsWith(entry?.Path + ": ", StringComparison.Ordinal) ? ex.Message[(entry!.Path.Length + 2)..] : ex.Message));
            }
        }

        // A file of a local, unencrypted backup is measured as a file (no stream); a missing one is not found.
        async Task<bool> MeasuredAsLocalAsync(string where, string? local, CancellationToken token)
        {
            if (local is null) return false;
            try
            {
                if (stageInto is not null && blobKeys.TryGetValue(where, out var blobKey))
                {
                    found[where] = await stageInto.StageFileAsync(blobKey, local, token);
                }
                else
                {
                    using var file = FileFacts.OpenSource(local);
                    found[where] = FileFacts.MeasureFile(file, token);
                }
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
            }
            return true;
        }

        Task<SnapshotContents>? reading = null;
        async Task MeasureDatabaseAsync(CancellationToken token)
        {
            var path = manifest.Database.File;
            var entry = listed[path];
            var scratch = ScratchDatabase(scratchFolder, manifest);
            await using (var copy = File.Create(scratch))
            {
                await MeasureAsync(path, entry, await BackupFiles.OpenAsync(backup, entry, key, token), copy, token);
            }
            // Only a copy that measured as the manifest lists it is opened (what is read is what was hashed); the rows
            // are used only if every other file verifies too.
            if (deep && found.TryGetValue(path, out var facts) && facts.Size == entry.Size && string.Equals(facts.Sha256, entry.Sha256, StringComparison.Ordinal))
                reading = Task.Run(() => snapshots.ReadAsync(new DatabaseSnapshot(manifest.Database.Format, scratch), cancellationToken), CancellationToken.None);
        }

        async Task MeasureEveryFileAsync()
        {
            // The database copy is measured beside the listing and the blobs, not when the listing reaches it (an S3
            // listing puts database/ after blobs/): a deep check then reads its rows while blobs are still measured, and
            // the blobs start while the listing goes on.
            var database = Task.Run(() => MeasureDatabaseAsync(cancellationToken), CancellationToken.None);
            var files = Parallel.ForEachAsync(backup.ListFilesAsync(cancellationToken), parallel, async (path, token) =>
            {
                if (path == manifest.Database.File) return;
                // An unlisted file is only reported, never decrypted: it is measured as stored.
                var entry = listed.GetValueOrDefault(path);
                if (!await MeasuredAsLocalAsync(path, entry is null ? backup.LocalFile(path) : BackupFiles.LocalFile(backup, entry, key), token))
                {
                    var stream = entry is null ? await backup.OpenReadAsync(path, token) : await BackupFiles.OpenAsync(backup, entry, key, token);
                    await MeasureAsync(path, entry, stream, null, token);
                }
            });
            // Both finish before either's failure surfaces: nothing is left writing the scratch copy.
            await Task.WhenAll(database, files);
            await Parallel.ForEachAsync(listed.Values.Where(e => e.StoredIn is not null), parallel, async (entry, token) =>
            {
                if (!await MeasuredAsLocalAsync(entry.Where, BackupFiles.LocalFile(backup, entry, key), token))
                    await MeasureAsync(entry.Where, entry, await BackupFiles.OpenAsync(backup, entry, key, token), null, token);
            });
        }

        try
        {
            await MeasureEveryFileAsync();
        }
        catch when (reading is not null)
        {
            await IgnoreAsync(reading);
            throw;
        }

        var failed = unreadable.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        var problems = unreadable.OrderBy(p => p.Path, StringComparer.Ordinal).Concat(ManifestCheck.Files(manifest, found).Where(p => !failed.Contains(p.Path))).ToList();
        if (deep && problems.Count == 0)
        {
            var contents = await (reading ?? snapshots.ReadAsync(new DatabaseSnapshot(manifest.Database.Format, ScratchDatabase(scratchFolder, manifest)), cancellationToken));
            problems.AddRange(ManifestCheck.Contents(manifest, contents));
        }
        else if (reading is not null)
        {
            // Not left reading the scratch copy its caller is about to delete; what it found does not matter now.
            await IgnoreAsync(reading);
        }
        return new BackupVerification(manifest, problems, key);
    }

    /// <summary>Waits for a task whose outcome no longer matters (a failure included).</summary>
    private static Task IgnoreAsync(Task task) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public static string ScratchDatabase(string scratchFolder, BackupManifest manifest) =>
        Path.Combine(scratchFolder, $"ghostcrate.{manifest.Database.Format}");
}
