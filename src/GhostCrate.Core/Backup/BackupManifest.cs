using System.Text.Json;
using System.Text.Json.Serialization;
using GhostCrate.Core.Backup.Encryption;

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
    IReadOnlyList<BackupBlobEntry> Blobs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BackupEncryption? Encryption = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Includes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BackupMirror? Mirror = null)
{
    /// <summary><see cref="Includes"/> when the backup holds the offline mirror directory (`backup create --include-mirror`).</summary>
    public const string MirrorPart = "mirror";

    /// <summary>
    /// <see cref="Includes"/> when the backup holds the proxy's cached crate files (`backup create --include-proxy-cache`).
    /// An optional part needs no new format version: its files are ordinary blobs that every reader verifies and
    /// restores; the list only says which optional parts were asked for.
    /// </summary>
    public const string ProxyCache = "proxy-cache";

    /// <summary>Whether `backup create` was asked to include the optional part <paramref name="part"/>.</summary>
    public bool Has(string part) => Includes?.Contains(part, StringComparer.Ordinal) == true;

    /// <summary>
    /// Bumped when a reader of the previous format would misread a new manifest: version 2 adds encrypted files and
    /// blobs stored in an earlier backup; version 3 the offline mirror (an older reader would restore a registry
    /// without it and call that success). A backup that uses none of these is still written as version 1, which
    /// older GhostCrates read.
    /// </summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>The format a manifest with these contents needs (the oldest that can describe it).</summary>
    public int RequiredFormatVersion => Mirror is not null ? 3 : Encryption is null && Blobs.All(b => b.StoredIn is null) ? 1 : 2;

    /// <summary>The manifest's own file name inside a backup folder.</summary>
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The manifest's bytes as `backup create` writes them: an encrypted one carries its MAC.</summary>
    public byte[] ToJson(BackupKey? key) => key is null ? ToJson() : ManifestMac.Seal(ToJson(), key);

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
        if (manifest.FormatVersion is < 1 or > CurrentFormatVersion)
            throw new BackupException($"{FileName} has format version {manifest.FormatVersion}; this GhostCrate reads versions 1 to {CurrentFormatVersion}");
        if (manifest.FormatVersion < manifest.RequiredFormatVersion)
            throw new BackupException($"{FileName} says format version {manifest.FormatVersion} but uses encryption, references or the mirror of version {manifest.RequiredFormatVersion}");
        if (manifest.Mirror?.Problem() is { } mirrorProblem) throw new BackupException($"{FileName}: {mirrorProblem}");
        foreach (var id in manifest.Files().Select(f => f.StoredIn).OfType<string>())
        {
            if (!BackupPaths.IsSafeRelative(id) || id.Contains('/') || id == manifest.Id) throw new BackupException($"{FileName} references an unsafe backup id '{id}'");
        }
        foreach (var path in manifest.Files().Select(f => f.Path))
        {
            // Every path is later joined to a folder or an object prefix: refuse anything that could leave the backup.
            if (!BackupPaths.IsSafeRelative(path)) throw new BackupException($"{FileName} lists an unsafe path '{path}'");
        }
        return manifest;
    }

    /// <summary>Every file the manifest lists (the database, then each blob, then each mirror content) with its expected size and hash.</summary>
    public IEnumerable<BackupFileEntry> Files()
    {
        yield return new BackupFileEntry(Database.File, Database.Size, Database.Sha256, null);
        foreach (var blob in Blobs) yield return new BackupFileEntry(blob.File, blob.Size, blob.Sha256, blob.StoredIn);
        foreach (var entry in Mirror?.Objects ?? []) yield return entry.AsFile();
    }
}

/// <summary>
/// The database snapshot: <paramref name="Format"/> names how it was taken ("sqlite": a consistent SQLite file, made by
/// SQLite's online backup or exported from PostgreSQL), <paramref name="Migrations"/> the schema migrations applied in it.
/// </summary>
public sealed record BackupDatabaseEntry(string Format, string File, long Size, string Sha256, IReadOnlyList<int> Migrations);

/// <summary>
/// A blob by its storage key; its bytes are at blobs/{key} in the backup, or, for an incremental backup's blob that an
/// earlier backup at the same target already holds, at blobs/{key} in backup <paramref name="StoredIn"/>. Size and
/// SHA-256 are of the plaintext, also in an encrypted backup (a crate file's SHA-256 is its index `cksum`).
/// </summary>
public sealed record BackupBlobEntry(string Key, long Size, string Sha256, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StoredIn = null)
{
    [JsonIgnore]
    public string File => BackupPaths.BlobFile(Key);

    /// <summary>A file of a version's rustdoc (docs/...), not a crate file.</summary>
    [JsonIgnore]
    public bool IsDocs => Key.StartsWith(Storage.BlobKey.DocsRoot, StringComparison.Ordinal);

    /// <summary>A crate file of the proxy's cache (proxy/...), only in a backup made with --include-proxy-cache.</summary>
    [JsonIgnore]
    public bool IsProxyCache => Key.StartsWith(BackupCreator.ProxyCachePrefix, StringComparison.Ordinal);
}

/// <summary>Counts read from the snapshot, printed by list and restore.</summary>
public sealed record BackupCounts(long Crates, long Versions, long Users, long Organizations, long Tokens);

/// <summary>A file of the backup, as the manifest expects it; <paramref name="StoredIn"/>: the earlier backup that holds it.</summary>
public sealed record BackupFileEntry(string Path, long Size, string Sha256, string? StoredIn)
{
    /// <summary>Where the file is, relative to this backup's folder (a referenced one is in a sibling folder).</summary>
    public string Where => StoredIn is null ? Path : $"../{StoredIn}/{Path}";
}
