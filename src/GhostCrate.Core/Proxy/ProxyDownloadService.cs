using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using GhostCrate.Core.Threading;
using GhostCrate.Protocol.Client;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Versioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Pull-through .crate downloads. The first request fetches the file from the upstream into a spool (memory for
/// small files, a temp file for large ones) and checks its sha256 against the `cksum` of the cached index line. A
/// small file is then answered from the verified bytes in hand and stored behind the answer (<see cref="ProxyWriteBehind"/>:
/// blob, then its usage row; meanwhile this node serves the pending bytes); a large one is stored in the proxy area of
/// the blob store before the answer. The bookkeeping that decides nothing about the answer (advisories, content flags)
/// follows in <see cref="CachedCrateFollowUp"/>. Every later request is served from the blob store and never touches
/// the upstream. Concurrent requests for the same missing file share one upstream fetch.
/// </summary>
public sealed class ProxyDownloadService(
    ProxyIndexService index,
    UpstreamGateway gateway,
    IBlobStore blobs,
    IOptions<ProxyOptions> options,
    TimeProvider time,
    Analytics.UsageCounter usage,
    CachedCrateFollowUp followUp,
    ProxyWriteBehind writeBehind,
    ILogger<ProxyDownloadService> logger)
{
    // The last stat of each cached file the download fast path served, by upstream, name as requested and version.
    private readonly Crates.LocalFileMemory<(string Upstream, string Name, string Version)> _localFiles = new(time);

    /// <summary>
    /// A cached .crate of the upstream as a file on this machine, for the download fast path, counted as a cache hit
    /// as <see cref="OpenAsync"/> counts it. Null whenever OpenAsync has to decide instead: a store that is not on
    /// this machine, or a file that is not cached (yet: OpenAsync fetches it). The caller has matched the name and
    /// version to the characters crate names and versions use. Proxied files are served without an ETag, as the
    /// mount's endpoint serves them, so no checksum is carried.
    /// </summary>
    public Crates.LocalCrateFile? FindCachedLocalFile(Upstream upstream, string crateName, string version)
    {
        if (blobs is not ILocalBlobFiles local || crateName.Length > CrateName.MaxLength) return null;
        var file = _localFiles.Find((upstream.Name, crateName, version), checksum: "", (local, upstream.Name, crateName, version),
            static s => s.local.LocalPath(BlobKey.ProxyCrateFile(s.Name, s.crateName, s.version)));
        if (file is null) return null;
        upstream.Stats.CrateHit();
        usage.Record(Analytics.UsageKinds.ProxyHit, upstream.Name);
        return file;
    }

    /// <summary>
    /// A .crate this node fetched a moment ago whose save still waits in the write-behind (<see cref="ProxyWriteBehind"/>),
    /// for the download fast path, counted as a cache hit as <see cref="OpenAsync"/> counts it: the verified bytes and
    /// when they were fetched. A lookup in memory, so the fast path answers it from the socket thread that read the
    /// request. A cold build's downloads are mostly these: the crates fetched ahead (<see cref="ProxyCratePrefetch"/>)
    /// wait there until the build pauses. Null when nothing waits (then <see cref="FindCachedLocalFile"/>). The caller
    /// has matched the name and version to the characters crate names and versions use.
    /// </summary>
    public PendingCrateFile? FindPendingCrate(Upstream upstream, string crateName, string version)
    {
        if (crateName.Length > CrateName.MaxLength || writeBehind.FindCrate(BlobKey.ProxyCrateFile(upstream.Name, crateName, version)) is not { } pending) return null;
        upstream.Stats.CrateHit();
        usage.Record(Analytics.UsageKinds.ProxyHit, upstream.Name);
        return new PendingCrateFile(pending.Bytes, pending.StoredAt);
    }

    public async Task<ProxyDownload> OpenAsync(Upstream upstream, string crateName, string version, CancellationToken cancellationToken)
    {
        // Both end up in a storage key: refuse anything that is not a crate name and a SemVer version up front.
        if (crateName.Length is 0 or > CrateName.MaxLength || !crateName.All(CrateName.IsNameChar) || !SemVersion.TryParse(version, out _))
            return new ProxyDownload(ProxyDownloadStatus.NotFound, null, $"`{crateName}@{version}` is not a crate name and version");

        var key = BlobKey.ProxyCrateFile(upstream.Name, crateName, version);
        var content = await blobs.OpenReadAsync(key, cancellationToken);
        if (content is not null)
        {
            upstream.Stats.CrateHit();
            usage.Record(Analytics.UsageKinds.ProxyHit, upstream.Name);
            return new ProxyDownload(ProxyDownloadStatus.Found, content, null);
        }
        // Fetched a moment ago and still on its way into the store: the same bytes, no second upstream fetch.
        if (FindPendingCrate(upstream, crateName, version) is { } pending)
            return new ProxyDownload(ProxyDownloadStatus.Found, OpenBytes(pending.Bytes, pending.StoredAt), null);

        var outcome = await upstream.Downloads
            .RunAsync((crateName.ToLowerInvariant(), version), () => FetchAndStoreAsync(upstream, crateName, version, key))
            .WaitAsync(cancellationToken);
        if (outcome.Status != ProxyDownloadStatus.Found) return new ProxyDownload(outcome.Status, null, outcome.Error);

        // The verified bytes this fetch stored, when they are in memory: each waiter reads its own stream over them.
        if (outcome.Bytes is { } bytes) content = OpenBytes(bytes, outcome.StoredAt);
        else
        {
            // Opening a file may block: not on a socket event thread, where the fetch may have ended (Core/Threading/IoThreads).
            await IoThreads.LeaveAsync();
            content = await blobs.OpenReadAsync(key, cancellationToken);
        }
        if (content is null)
            return new ProxyDownload(ProxyDownloadStatus.Unavailable, null, $"`{crateName}@{version}` was stored but cannot be read back from storage");
        // Per request, unlike the upstream's CrateMiss (per coalesced fetch): each waiter was served a file it lacked.
        usage.Record(Analytics.UsageKinds.ProxyMiss, upstream.Name);
        return new ProxyDownload(ProxyDownloadStatus.Found, content, null);
    }

    private static BlobContent OpenBytes(ArraySegment<byte> bytes, DateTimeOffset? storedAt) =>
        new(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), bytes.Count, storedAt);

    /// <summary>
    /// Ensures the .crate is in the blob store, or on its way there (<see cref="ProxyWriteBehind"/>; warming uses this
    /// without opening it).
    /// </summary>
    internal Task<ProxyDownloadOutcome> EnsureStoredAsync(Upstream upstream, string crateName, string version, CancellationToken cancellationToken)
    {
        var key = BlobKey.ProxyCrateFile(upstream.Name, crateName, version);
        return upstream.Downloads
            .RunAsync((crateName.ToLowerInvariant(), version), () => FetchAndStoreAsync(upstream, crateName, version, key))
            .WaitAsync(cancellationToken);
    }

    private async Task<ProxyDownloadOutcome> FetchAndStoreAsync(Upstream upstream, string crateName, string version, BlobKey key)
    {
        var ct = CancellationToken.None;
        // A waiter may have started this after another fetch stored the file. The pending bytes first: the write-behind
        // forgets them only after the blob is stored, so one of the two checks sees the file.
        if (writeBehind.FindCrate(key) is { } pending) return ProxyDownloadOutcome.Stored(alreadyStored: true, pending.Bytes, pending.StoredAt);
        if (await blobs.ExistsAsync(key, ct)) return ProxyDownloadOutcome.Stored(alreadyStored: true);

        var entry = await FindEntryAsync(upstream, crateName, version, ct);
        if (entry.Error is { } lookupFailure) return lookupFailure;
        var line = entry.Line!;

        string? template = upstream.Definition.DownloadTemplate;
        if (template is null)
        {
            var (config, error) = await gateway.GetConfigAsync(upstream);
            if (config is null)
                return ProxyDownloadOutcome.Fail(ProxyDownloadStatus.Unavailable, $"`{crateName}@{version}` is not cached and the config.json of upstream `{upstream.Name}` cannot be read: {error}");
            template = config.Dl;
        }

        Uri url;
        try
        {
            url = DownloadUrlTemplate.Expand(template, line.Name, line.Vers, line.Cksum);
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException)
        {
            return ProxyDownloadOutcome.Fail(ProxyDownloadStatus.Unavailable, $"upstream `{upstream.Name}` has an unusable download URL template `{template}`: {e.Message}");
        }

        await using var spool = new CrateSpool();
        var download = await gateway.DownloadAsync(upstream, url, spool, options.Value.MaxCrateSizeBytes);
        if (download.Status != FetchStatus.Ok)
            return ProxyDownloadOutcome.Fail(ProxyDownloadStatus.Unavailable, $"`{crateName}@{version}` is not cached and upstream `{upstream.Name}` failed: {download.Error}");

        var actual = spool.Sha256Hex();
        if (!string.Equals(actual, line.Cksum, StringComparison.OrdinalIgnoreCase))
        {
            upstream.Stats.ChecksumMismatch();
            logger.LogError("Refused {Crate} {Version} from upstream {Upstream}: sha256 {Actual} does not match the index checksum {Expected}", crateName, version, upstream.Name, actual, line.Cksum);
            return ProxyDownloadOutcome.Fail(ProxyDownloadStatus.ChecksumMismatch,
                $"the file upstream `{upstream.Name}` sent for `{line.Name}@{line.Vers}` has sha256 {actual}, but its index says {line.Cksum}; it was not stored or served (a corrupted or tampered upstream or network path)");
        }

        upstream.Stats.CrateMiss();
        var storedAt = time.GetUtcNow();
        var bytes = spool.Bytes;
        // Small files are answered at once and stored behind the answer; a large one (spooled to a temp file) or a
        // full write-behind budget is stored before anyone is answered, so a file served once is in the cache for
        // every node that shares the store.
        if (bytes is { } inMemory && writeBehind.TryEnqueue(new ProxyWriteBehind.PendingCrate(upstream.Name, line.Name, line.Vers, key, inMemory, actual, storedAt)))
        {
            logger.LogDebug("Fetched {Crate} {Version} from upstream {Upstream} ({Size} bytes), storing it behind the answer", line.Name, line.Vers, upstream.Name, download.Length);
            return ProxyDownloadOutcome.Stored(alreadyStored: false, bytes, storedAt);
        }
        // Stored before the answer, which may block on the disk: not on a socket event thread, where the download may
        // have ended (Core/Threading/IoThreads).
        await IoThreads.LeaveAsync();
        await using (var verified = spool.OpenRead())
        {
            await blobs.PutAsync(key, verified, BlobPutMode.IfAbsent, ct);
        }
        logger.LogDebug("Cached {Crate} {Version} from upstream {Upstream} ({Size} bytes)", line.Name, line.Vers, upstream.Name, download.Length);
        followUp.Enqueue(new CachedCrateFollowUp.CachedCrate(upstream.Name, line.Name, line.Vers, key, download.Length, actual, storedAt, bytes));
        return ProxyDownloadOutcome.Stored(alreadyStored: false, bytes, storedAt);
    }

    /// <summary>The index line of the version, revalidating once when the cached file does not list it yet.</summary>
    private async Task<(IndexEntry? Line, ProxyDownloadOutcome? Error)> FindEntryAsync(Upstream upstream, string crateName, string version, CancellationToken ct)
    {
        var file = await index.GetAsync(upstream, crateName, revalidate: false, ct);
        var line = file.File is { } f ? IndexLines.Find(f.Content, version) : null;
        if (line is null && file.Status == ProxyIndexStatus.Found && !file.Stale)
        {
            // Published upstream after our copy was fetched: ask again before saying no.
            file = await index.GetAsync(upstream, crateName, revalidate: true, ct);
            line = file.File is { } again ? IndexLines.Find(again.Content, version) : null;
        }
        if (line is not null) return (line, null);
        return file.Status switch
        {
            ProxyIndexStatus.Unavailable => (null, ProxyDownloadOutcome.Fail(ProxyDownloadStatus.Unavailable, $"`{crateName}@{version}` is not cached and upstream `{upstream.Name}` is unavailable: {file.Error}")),
            ProxyIndexStatus.NotFound => (null, ProxyDownloadOutcome.Fail(ProxyDownloadStatus.NotFound, $"crate `{crateName}` does not exist in upstream `{upstream.Name}`")),
            _ => (null, ProxyDownloadOutcome.Fail(ProxyDownloadStatus.NotFound, $"crate `{crateName}` has no version `{version}` in upstream `{upstream.Name}`")),
        };
    }
}

/// <summary>A fetched .crate's verified bytes still on their way into the store, and when they were fetched (Last-Modified).</summary>
public readonly record struct PendingCrateFile(ArraySegment<byte> Bytes, DateTimeOffset StoredAt);
