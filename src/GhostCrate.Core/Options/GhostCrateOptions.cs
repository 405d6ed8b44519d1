namespace GhostCrate.Core.Options;

/// <summary>
/// Root of the configuration tree (section "GhostCrate" is not used: keys live at the top level so that
/// GHOSTCRATE_Database__Provider maps to Database:Provider).
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    /// <summary>Sqlite (default, file under the data directory) or Postgres.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    /// <summary>ADO.NET connection string; for SQLite defaults to Data Source={DataDir}/ghostcrate.db.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Apply migrations on `serve`. Defaults to true for SQLite (the embedded default), false for PostgreSQL.</summary>
    public bool? AutoMigrate { get; set; }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class StorageOptions
{
    public const string Section = "Storage";
    public StorageProvider Provider { get; set; } = StorageProvider.FileSystem;
    /// <summary>Root folder of the file-system store; defaults to {DataDir}/blobs.</summary>
    public string? Path { get; set; }
    public S3StorageOptions S3 { get; set; } = new();
}

public enum StorageProvider
{
    FileSystem,
    S3,
}

public sealed class S3StorageOptions
{
    public string? Bucket { get; set; }
    /// <summary>Optional key prefix inside the bucket, e.g. "ghostcrate/".</summary>
    public string Prefix { get; set; } = "";
    /// <summary>AWS region; optional when <see cref="ServiceUrl"/> is set.</summary>
    public string? Region { get; set; }
    /// <summary>Endpoint of an S3-compatible server (MinIO, s3rver, Ceph); null for AWS.</summary>
    public string? ServiceUrl { get; set; }
    /// <summary>Path-style addressing (bucket in the path), needed by most S3-compatible servers.</summary>
    public bool ForcePathStyle { get; set; } = true;
    /// <summary>Static keys; when empty the standard AWS credential chain is used (env, profile, IMDS, web identity).</summary>
    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }
    /// <summary>Create the bucket on start if it is missing (handy for local S3-compatible servers).</summary>
    public bool CreateBucket { get; set; }
    /// <summary>
    /// Answer a permitted .crate download with a redirect to a presigned GET URL of the object, so the bytes flow from
    /// S3 to the client and not through this server.
    /// </summary>
    public bool PresignedDownloads { get; set; }
    /// <summary>How long a presigned download URL stays valid, in seconds.</summary>
    public int PresignedDownloadSeconds { get; set; } = 300;
}

public sealed class RegistryOptions
{
    public const string Section = "Registry";
    /// <summary>Externally visible base URL (e.g. https://crates.example.com). When empty it is taken from each request.</summary>
    public string? PublicUrl { get; set; }
    /// <summary>
    /// Host names this server answers (the request's Host header, without port; `*.example.com` matches subdomains).
    /// A request for any other host gets 400 before anything else runs. Empty: every host is answered. Serving on a
    /// non-loopback address needs this or <see cref="PublicUrl"/>, so that a forged Host header cannot choose the URLs
    /// GhostCrate renders (config.json's `dl` and `api`, login_url, links in pages).
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
    /// <summary>RFC 3139: every index, download and search request needs a valid token.</summary>
    public bool AuthRequired { get; set; }
    /// <summary>Largest accepted .crate file (compressed).</summary>
    public long MaxCrateSizeBytes { get; set; } = 10 * 1024 * 1024;
    /// <summary>Largest accepted publish metadata JSON.</summary>
    public long MaxMetadataSizeBytes { get; set; } = 1024 * 1024;
    /// <summary>Largest total size of the files inside a .crate once unpacked (decompression bomb guard).</summary>
    public long MaxUnpackedSizeBytes { get; set; } = 512L * 1024 * 1024;
    /// <summary>Most entries in a .crate tarball.</summary>
    public int MaxTarballEntries { get; set; } = 20_000;
    /// <summary>Index URLs of other registries that dependencies may point at (crates.io is always allowed).</summary>
    public List<string> AllowedDependencyRegistries { get; set; } = [];
    /// <summary>Accept dependencies on any registry.</summary>
    public bool AllowAnyDependencyRegistry { get; set; }
    /// <summary>Extra reserved crate names on top of the built-in list.</summary>
    public List<string> ReservedNames { get; set; } = [];
    /// <summary>
    /// Memory for stored index files kept per node (0 turns the cache off). See IndexFileCache. 32 MB holds every
    /// index file of a 10k-crate registry; each cached megabyte costs about one and a half of resident memory (the GC
    /// keeps headroom beside it), so at 100k crates 64 MB cost ~100 MB more RSS than 16 MB for the same throughput
    /// (bench/README.md). Raise it on nodes with memory to spare and a large hot set.
    /// </summary>
    public int IndexCacheMegabytes { get; set; } = 32;
    /// <summary>
    /// Retired: index files are stored in the database when they change, so there is no disk copy to keep. Accepted
    /// and ignored, so that a configuration written for an earlier release still starts.
    /// </summary>
    public bool? IndexSpill { get; set; }
    /// <summary>Retired with <see cref="IndexSpill"/>: accepted and ignored.</summary>
    public string? IndexSpillPath { get; set; }
    /// <summary>
    /// Memory per node for the bytes of small .crate files that are downloaded often: up to 64 KB each from the file
    /// store, up to 256 KB each from S3 (Core/Crates/RemoteCrateFileCache). 0 turns it off: every download reads its
    /// file, from the kernel's page cache when it is warm, or its S3 object. 16 MB: at 100k crates
    /// (bench/README.md) small downloads stayed above nginx's rate with it, and 32 MB cost ~12 MB more peak memory.
    /// </summary>
    public int DownloadCacheMegabytes { get; set; } = 16;
}
