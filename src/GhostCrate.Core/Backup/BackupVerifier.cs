namespace GhostCrate.Core.Backup;

/// <summary>The outcome of verifying one backup: its manifest (null when it has none) and every problem found.</summary>
public sealed record BackupVerification(BackupManifest? Manifest, IReadOnlyList<BackupProblem> Problems)
{
    public bool Ok => Manifest is not null && Problems.Count == 0;
}

/// <summary>
/// `backup verify`: every file's size and SHA-256 against the manifest; deep: the database copy's version rows against
/// the blobs. The database file is checked from a scratch copy made while hashing, so what is checked is what was hashed.
/// </summary>
public sealed class BackupVerifier(IBackupSnapshotReader snapshots)
{
    public async Task<BackupVerification> VerifyAsync(IBackupReader backup, bool deep, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("ghostcrate-verify-");
        try
        {
            return await VerifyAsync(backup, deep, scratch.FullName, cancellationToken);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Verifies, leaving the database copy in <paramref name="scratchFolder"/> (restore installs that very file).</summary>
    public async Task<BackupVerification> VerifyAsync(IBackupReader backup, bool deep, string scratchFolder, CancellationToken cancellationToken)
    {
        var json = await backup.ReadManifestAsync(cancellationToken);
        if (json is null)
            return new BackupVerification(null, [new BackupProblem(BackupManifest.FileName, "missing: the backup is incomplete (it never finished, or was interrupted)")]);
        BackupManifest manifest;
        try
        {
            manifest = BackupManifest.Parse(json);
        }
        catch (BackupException ex)
        {
            return new BackupVerification(null, [new BackupProblem(BackupManifest.FileName, ex.Message)]);
        }

        var found = new Dictionary<string, FileFacts>(StringComparer.Ordinal);
        await foreach (var path in backup.ListFilesAsync(cancellationToken))
        {
            await using var stream = await backup.OpenReadAsync(path, cancellationToken);
            if (stream is null) continue;
            if (path == manifest.Database.File)
            {
                await using var copy = File.Create(ScratchDatabase(scratchFolder, manifest));
                found[path] = await FileFacts.CopyAsync(stream, copy, cancellationToken);
            }
            else
            {
                found[path] = await FileFacts.MeasureAsync(stream, cancellationToken);
            }
        }

        var problems = ManifestCheck.Files(manifest, found).ToList();
        if (deep && problems.Count == 0)
        {
            var contents = await snapshots.ReadAsync(new DatabaseSnapshot(manifest.Database.Format, ScratchDatabase(scratchFolder, manifest)), cancellationToken);
            problems.AddRange(ManifestCheck.Contents(manifest, contents));
        }
        return new BackupVerification(manifest, problems);
    }

    public static string ScratchDatabase(string scratchFolder, BackupManifest manifest) =>
        Path.Combine(scratchFolder, $"ghostcrate.{manifest.Database.Format}");
}
