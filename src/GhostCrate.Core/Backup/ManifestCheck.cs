namespace GhostCrate.Core.Backup;

/// <summary>One thing wrong with a backup, naming the file.</summary>
public sealed record BackupProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Pure checks of a backup against its manifest (no I/O, so each rule is unit-tested on its own).</summary>
public static class ManifestCheck
{
    /// <summary>
    /// Compares what was found in the backup (where → measured size and hash of the plaintext; a referenced file's
    /// where is ../ID/path) with what the manifest lists:
    /// a missing file, a different size or hash, and a file the manifest does not list are each a problem.
    /// </summary>
    public static IReadOnlyList<BackupProblem> Files(BackupManifest manifest, IReadOnlyDictionary<string, FileFacts> found)
    {
        var problems = new List<BackupProblem>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expected in manifest.Files())
        {
            if (!listed.Add(expected.Where))
            {
                problems.Add(new BackupProblem(expected.Where, "listed twice in the manifest"));
                continue;
            }
            if (!found.TryGetValue(expected.Where, out var actual))
            {
                problems.Add(new BackupProblem(expected.Where, expected.StoredIn is null ? "missing" : $"missing from backup {expected.StoredIn}, which this incremental backup references"));
            }
            else if (actual.Size != expected.Size)
            {
                problems.Add(new BackupProblem(expected.Where, $"size is {actual.Size} bytes, the manifest says {expected.Size}"));
            }
            else if (!string.Equals(actual.Sha256, expected.Sha256, StringComparison.Ordinal))
            {
                problems.Add(new BackupProblem(expected.Where, $"sha256 is {actual.Sha256}, the manifest says {expected.Sha256}"));
            }
        }
        foreach (var path in found.Keys.Where(p => !listed.Contains(p)).Order(StringComparer.Ordinal))
        {
            problems.Add(new BackupProblem(path, "not listed in the manifest"));
        }
        return problems;
    }

    /// <summary>
    /// The deep check: every version row of the snapshot has its crate file in the backup, with a SHA-256 equal to the
    /// row's checksum (the `cksum` cargo checks each download against), every current docs generation has all its
    /// files, and the counts match the snapshot.
    /// </summary>
    public static IReadOnlyList<BackupProblem> Contents(BackupManifest manifest, SnapshotContents contents)
    {
        var problems = new List<BackupProblem>();
        var blobs = manifest.Blobs.ToDictionary(b => b.Key, StringComparer.Ordinal);
        foreach (var version in contents.Versions)
        {
            var file = BackupPaths.BlobFile(version.BlobKey);
            if (!blobs.TryGetValue(version.BlobKey, out var blob))
                problems.Add(new BackupProblem(file, $"{version.Crate} {version.Version} is in the database but its crate file is not in the backup"));
            else if (!string.Equals(blob.Sha256, version.Checksum, StringComparison.OrdinalIgnoreCase))
                problems.Add(new BackupProblem(file, $"sha256 {blob.Sha256} differs from the checksum {version.Checksum} of {version.Crate} {version.Version}"));
        }
        foreach (var docs in contents.Docs)
        {
            var files = manifest.Blobs.Count(b => b.Key.StartsWith(docs.Prefix, StringComparison.Ordinal));
            if (files != docs.Files)
                problems.Add(new BackupProblem(BackupPaths.BlobFile(docs.Prefix), $"the docs of {docs.Crate} {docs.Version} have {docs.Files} files in the database but {files} in the backup"));
        }
        if (contents.Counts != manifest.Counts)
            problems.Add(new BackupProblem(manifest.Database.File, $"the database holds {contents.Counts}, the manifest says {manifest.Counts}"));
        if (!contents.Migrations.SequenceEqual(manifest.Database.Migrations))
            problems.Add(new BackupProblem(manifest.Database.File, "the database's applied migrations differ from the manifest's"));
        return problems;
    }
}
