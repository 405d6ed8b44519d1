namespace GhostCrate.Core.Backup;

/// <summary>Where things live inside one backup folder (or, later, under one object prefix).</summary>
public static class BackupPaths
{
    public const string BlobsFolder = "blobs";
    public const string DatabaseFolder = "database";

    public static string BlobFile(string key) => $"{BlobsFolder}/{key}";

    public static string DatabaseFile(string format) => $"{DatabaseFolder}/ghostcrate.{format}";

    /// <summary>A relative path with '/' separators and no empty, '.' or '..' segment.</summary>
    public static bool IsSafeRelative(string path) =>
        path.Length > 0
        && !path.StartsWith('/')
        && !path.Contains('\\')
        && !path.Contains('\0')
        && path.Split('/').All(segment => segment is not ("" or "." or ".."));
}
