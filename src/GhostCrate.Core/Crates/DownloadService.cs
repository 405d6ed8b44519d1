using System.Collections.Concurrent;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Crates;

/// <summary>Serves a published .crate file (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration, `dl`).</summary>
public sealed class DownloadService(ICrateRepository crates, IBlobStore blobs, IBlobLinks links, RemoteCrateFileCache remoteFiles, ILogger<DownloadService> logger, DownloadCounter? counter = null, TimeProvider? time = null)
{
    // Most distinct versions remembered; past it the map starts over as the gate allows (Caching.StartOverGate).
    private const int MaxRemembered = 50_000;
    private readonly Caching.StartOverGate _startOver = new(time ?? TimeProvider.System);

    // A published version never changes (its bytes, checksum and crate spelling are fixed for good), so what a download
    // needs can be remembered after the first lookup, per crate, until the crate's index file changes (Forget: a
    // version may have been deleted, Core/Deletion). Only found versions are kept: a version published a moment ago
    // is simply looked up again.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, DownloadTarget>> _known = new();
    private int _knownAdded;

    // The last stat of each version's local file, by version id.
    private readonly LocalFileMemory<long> _localFiles = new(time ?? TimeProvider.System);

    public async Task<CrateDownload?> OpenAsync(string name, string version, CancellationToken cancellationToken)
    {
        var target = await FindTargetAsync(name, version, cancellationToken);
        if (target is null) return null;
        var content = await blobs.OpenReadAsync(BlobKey.CrateFile(target.CrateName, target.Version), cancellationToken);
        if (content is null)
        {
            // The row exists but the blob does not: storage was lost or restored from an older backup.
            logger.LogError("Blob missing for {Crate} {Version}", target.CrateName, target.Version);
            return null;
        }
        await CountAsync(target.VersionId, target.CrateName, target.Version, cancellationToken);
        return new CrateDownload(target.CrateName, target.Version, target.Checksum, content);
    }

    /// <summary>
    /// A short-lived URL of the stored file (Storage:S3:PresignedDownloads), not yet counted: the caller checks the
    /// download policy and conditional headers first, then <see cref="CountAsync(CrateDownloadLink, CancellationToken)"/>.
    /// Null when this server sends the bytes itself (then <see cref="OpenAsync"/>) or the version is unknown.
    /// </summary>
    public async ValueTask<CrateDownloadLink?> FindLinkAsync(string name, string version, CancellationToken cancellationToken)
    {
        var target = await FindTargetAsync(name, version, cancellationToken);
        if (target is null) return null;
        var url = await links.CreateReadLinkAsync(BlobKey.CrateFile(target.CrateName, target.Version), cancellationToken);
        return url is null ? null : new CrateDownloadLink(target.CrateName, target.Version, target.Checksum, url) { VersionId = target.VersionId };
    }

    /// <summary>Counts a download answered with its link, as <see cref="OpenAsync"/> counts the ones it opens.</summary>
    public Task CountAsync(CrateDownloadLink link, CancellationToken cancellationToken) =>
        CountAsync(link.VersionId, link.Name, link.Version, cancellationToken);

    private async Task CountAsync(long versionId, string crateName, string version, CancellationToken cancellationToken)
    {
        if (counter is not null)
        {
            // Counted in memory and written in batches: a download never waits for (or queues on) a database write.
            counter.Record(versionId);
            return;
        }
        try
        {
            await crates.IncrementDownloadsAsync(versionId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A lost count must never fail a build.
            logger.LogWarning(ex, "Could not count a download of {Crate} {Version}", crateName, version);
        }
    }

    /// <summary>
    /// The download as a file on this machine, for hosts that send files themselves (sendfile-style), counted as
    /// <see cref="OpenAsync"/> counts it. Null whenever <see cref="OpenAsync"/> has to decide instead: a store that
    /// is not local, no batched counter, an unknown version, or a missing file (which OpenAsync reports).
    /// </summary>
    public async ValueTask<LocalCrateFile?> FindLocalFileAsync(string name, string version, CancellationToken cancellationToken)
    {
        if (counter is null || blobs is not ILocalBlobFiles local) return null;
        var target = await FindTargetAsync(name, version, cancellationToken);
        if (target is null) return null;
        var file = _localFiles.Find(target.VersionId, target.Checksum, (local, target), static s => s.local.LocalPath(BlobKey.CrateFile(s.target.CrateName, s.target.Version)));
        if (file is null) return null;
        counter.Record(target.VersionId);
        return file;
    }

    /// <summary>
    /// A small download from a store that is not on this machine (S3), from memory (<see cref="RemoteCrateFileCache"/>),
    /// counted as <see cref="OpenAsync"/> counts it. Null whenever <see cref="OpenAsync"/> has to decide instead: a
    /// local store (<see cref="FindLocalFileAsync"/>), presigned links (<see cref="FindLinkAsync"/>), no batched counter, an unknown version, a large file, or a blob
    /// that is missing or does not match its checksum (logged; OpenAsync then reports what it finds).
    /// </summary>
    public async ValueTask<CachedCrateFile?> FindSmallRemoteFileAsync(string name, string version, CancellationToken cancellationToken)
    {
        // With links (Storage:S3:PresignedDownloads) the operator asked for every download to be sent by the store.
        if (counter is null || blobs is ILocalBlobFiles || !remoteFiles.Enabled || links is not BlobsThroughThisServer) return null;
        var target = await FindTargetAsync(name, version, cancellationToken);
        if (target is null || target.Size > RemoteCrateFileCache.MaxFileBytes) return null;
        var file = remoteFiles.TryGet(target.Checksum) ?? await ReadRemoteAsync(target, cancellationToken);
        if (file is null) return null;
        counter.Record(target.VersionId);
        return file;
    }

    private async Task<CachedCrateFile?> ReadRemoteAsync(DownloadTarget target, CancellationToken cancellationToken)
    {
        await using var content = await blobs.OpenReadAsync(BlobKey.CrateFile(target.CrateName, target.Version), cancellationToken);
        if (content is null || content.Length != target.Size) return null;
        var bytes = new byte[content.Length];
        await content.Stream.ReadExactlyAsync(bytes, cancellationToken);
        // Kept in memory and served many times: the bytes must be the published ones.
        if (!string.Equals(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), target.Checksum, StringComparison.Ordinal))
        {
            logger.LogError("Stored file of {Crate} {Version} does not match its checksum", target.CrateName, target.Version);
            return null;
        }
        var file = new CachedCrateFile(target.Checksum, bytes, content.LastModified);
        remoteFiles.Store(file);
        return file;
    }

    private async ValueTask<DownloadTarget?> FindTargetAsync(string name, string version, CancellationToken cancellationToken)
    {
        var canonical = Protocol.Crates.CrateName.Canonicalize(name);
        if (_known.TryGetValue(canonical, out var versions) && versions.TryGetValue(version, out var target)) return target;
        // One query for the version and the crate's spelling (the blob key uses it).
        target = await crates.FindDownloadAsync(canonical, version, cancellationToken);
        if (target is null) return null;
        if (Volatile.Read(ref _knownAdded) >= MaxRemembered)
        {
            // Full: this version is answered and not kept, unless the map may start over now.
            if (!_startOver.TryStartOver()) return target;
            _known.Clear();
            Interlocked.Exchange(ref _knownAdded, 0);
        }
        Interlocked.Increment(ref _knownAdded);
        _known.GetOrAdd(canonical, _ => new ConcurrentDictionary<string, DownloadTarget>(StringComparer.Ordinal))[version] = target;
        return target;
    }

    /// <summary>Forgets what was remembered of a crate's versions (its index file changed: one may have been deleted).</summary>
    public void Forget(string canonicalName) => _known.TryRemove(canonicalName, out _);
}

public sealed record CrateDownload(string Name, string Version, string Checksum, BlobContent Content)
{
    /// <summary>The ETag header value of the file.</summary>
    public string ETag => LocalCrateFile.QuotedChecksum(Checksum);
}

/// <summary>A download answered with a short-lived URL of the stored file instead of its bytes.</summary>
public sealed record CrateDownloadLink(string Name, string Version, string Checksum, Uri Url)
{
    internal long VersionId { get; init; }

    /// <summary>The ETag header value of the file.</summary>
    public string ETag => LocalCrateFile.QuotedChecksum(Checksum);
}

/// <summary>A .crate file on this machine: its checksum (the ETag), where it is, its length and modification time.</summary>
public sealed record LocalCrateFile(string Checksum, string Path, long Length, DateTimeOffset LastModified)
{
    /// <summary>The ETag header value (the quoted checksum), made once per file rather than per request.</summary>
    public string ETag { get; } = QuotedChecksum(Checksum);

    /// <summary>A .crate file's ETag: its SHA-256 (the index's `cksum`), quoted as RFC 9110 §8.8.3 requires.</summary>
    public static string QuotedChecksum(string checksum) => $"\"{checksum}\"";

    /// <summary>The Last-Modified header value (RFC 9110 IMF-fixdate), made once per file rather than per request.</summary>
    public string LastModifiedHeader { get; } = LastModified.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
