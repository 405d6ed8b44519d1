using System.Text.Json;
using System.Text.Json.Serialization;

namespace GhostCrate.Core.Backup;

/// <summary>
/// What one backup holds, written last (manifest.json): a backup folder without it is incomplete by definition, so a
/// crash during `backup create` never leaves something that looks complete. Backend-neutral: the database is a file in
/// a named format and blobs are addressed by their <see cref="Storage.BlobKey"/> path, so the same manifest describes a
/// backup taken on SQLite + files or (later) PostgreSQL + S3, and restores onto either.
/// </summary>
public sealed record BackupManifest(
    int FormatVersion,
    string Id,
    [property: JsonPropertyName("ghostcrate_version")] string GhostCrateVersion,
    DateTimeOffset CreatedAt,
    BackupDatabaseEntry Database,
    BackupCounts Counts,
    IReadOnlyList<BackupBlobEntry> Blobs)
{
    /// <summary>Bumped when a reader of the previous format would misread a new manifest.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The manifest's own file name inside a backup folder.</summary>
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses a manifest; throws <see cref="BackupException"/> for one that is unreadable or of an unknown format.</summary>
    public static BackupManifest Parse(ReadOnlySpan<byte> json)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new BackupException($"{FileName} is not valid JSON: {ex.Message}");
        }
        if (manifest is null || manifest.Database is null || manifest.Blobs is null || manifest.Counts is null)
            throw new BackupException($"{FileName} is missing required fields");
        if (manifest.FormatVersion != CurrentFormatVersion)
            throw new BackupException($"{FileName} has format version {manifest.FormatVersion}; this GhostCrate reads version {CurrentFormatVersion}");
        foreach (var path in manifest.Files().Select(f => f.Path))
        {
            // Every path is later joined to a folder or an object prefix: refuse anything that could leave the backup.
            if (!BackupPaths.IsSafeRelative(path)) throw new BackupException($"{FileName} lists an unsafe path '{path}'");
        }
        return manifest;
    }

    /// <summary>Every file the manifest lists (the database, then each blob) with its expected size and hash.</summary>
    public IEnumerable<BackupFileEntry> Files()
    {
        yield return new BackupFileEntry(Database.File, Database.Size, Database.Sha256);
        foreach (var blob in Blobs) yield return new BackupFileEntry(blob.File, blob.Size, blob.Sha256);
    }
}

/// <summary>
/// The database snapshot: <paramref name="Format"/> names how it was taken ("sqlite": a consistent SQLite file made with
/// VACUUM INTO), <paramref name="Migrations"/> the schema migrations applied in it.
/// </summary>
public sealed record BackupDatabaseEntry(string Format, string File, long Size, string Sha256, IReadOnlyList<int> Migrations);

/// <summary>A blob by its storage key; its bytes are at blobs/{key} in the backup.</summary>
public sealed record BackupBlobEntry(string Key, long Size, string Sha256)
{
    [JsonIgnore]
    public string File => BackupPaths.BlobFile(Key);
}

/// <summary>Counts read from the snapshot, printed by list and restore.</summary>
public sealed record BackupCounts(long Crates, long Versions, long Users, long Organizations, long Tokens);

/// <summary>A file of the backup, as the manifest expects it.</summary>
public sealed record BackupFileEntry(string Path, long Size, string Sha256);
