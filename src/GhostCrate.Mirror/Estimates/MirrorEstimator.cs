using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Mirror.Toolchains;
using GhostCrate.Protocol.Client;

namespace GhostCrate.Mirror.Estimates;

/// <summary>
/// `ghostcrate mirror estimate` and the disk check of /admin/mirror: how much the next crate sync or toolchain sync
/// would download (<see cref="DiskEstimate"/>). It reads what the sync would read (the same selection, closure and
/// index files, the same channel manifests) and writes nothing a sync relies on: no crate file, no generation; the
/// sparse index cache it refreshes is the one the sync revalidates with anyway. It holds the mirror's lock, so it
/// waits for nothing and never reads beside a running sync.
/// </summary>
public sealed class MirrorEstimator(IHttpClientFactory httpFactory, TimeProvider time)
{
    /// <summary>At most this many crate files are asked for their size; a mean of random ones sizes the rest.</summary>
    public const int MaxCrateProbes = 32;

    /// <summary>Toolchain archives are few and large (tens to hundreds of MB each): each one is asked, up to this many.</summary>
    public const int MaxToolchainProbes = 512;

    /// <summary>A release is served under up to six manifest names (channel, X.Y.Z, X.Y; each dated and undated).</summary>
    private const int ManifestCopies = 6;

    public async Task<DiskEstimate> EstimateCratesAsync(MirrorLayout layout, IMirrorProgress progress, CancellationToken cancellationToken)
    {
        var config = MirrorConfigFile.Load(layout);
        using var mirrorLock = MirrorLock.Acquire(layout, "estimate");
        var http = httpFactory.CreateClient(MirrorHttp.ClientName);
        await using var upstream = await UpstreamRead.OpenAsync(layout, config, http, progress, cancellationToken);
        var tally = new SizeTally(MaxCrateProbes);
        var freshness = new FreshnessTally("selected crate(s)");
        var served = new ServedIndex(layout);
        var problems = new List<string>();
        long indexBytes = 0;
        await foreach (var file in upstream.FilesAsync(cancellationToken))
        {
            if (file.Error is not null) problems.Add($"{file.Name}: index: {file.Error}");
            if (file.Content is null)
            {
                if (file.Error is null && served.Read(file.Name) is { Count: > 0 }) freshness.Removed(file.Name);
                continue;
            }
            var all = IndexLine.ParseFile(file.Content, out _);
            var lines = upstream.Selection.Select(file.Name, all);
            freshness.Crate(file.Name, all, lines, served.Read(file.Name));
            if (lines.Count == 0) continue;
            indexBytes += file.Content.Length;
            var missing = new List<IndexLine>();
            long siblingBytes = 0, siblings = 0;
            foreach (var line in lines)
            {
                var present = new FileInfo(layout.CrateFile(line.Entry.Name, line.Entry.Vers));
                if (!present.Exists)
                {
                    missing.Add(line);
                    continue;
                }
                tally.Present(present.Length);
                siblingBytes += present.Length;
                siblings++;
            }
            foreach (var line in missing)
                tally.Needed(DownloadUrlTemplate.Expand(upstream.DownloadTemplate, line.Entry.Name, line.Entry.Vers, line.Entry.Cksum), siblings > 0 ? siblingBytes / siblings : null);
        }
        return await tally.FinishAsync(http, indexBytes, problems, cancellationToken) with { Freshness = freshness.Finish() };
    }

    /// <summary>
    /// The archives of <paramref name="request"/>'s channels that the mirror lacks, each sized by the dist server.
    /// Signatures are not checked here (nothing is kept); the sync checks them before anything is served.
    /// </summary>
    public async Task<DiskEstimate> EstimateToolchainsAsync(MirrorLayout layout, ToolchainSyncRequest request, CancellationToken cancellationToken)
    {
        var config = request.Download ?? (File.Exists(layout.ConfigFile) ? MirrorConfigFile.Load(layout).Download : new DownloadConfig());
        var http = httpFactory.CreateClient(MirrorHttp.ClientName);
        var fetcher = new SmallFileFetcher(http, config, time);
        var server = request.DistServer.AbsoluteUri.TrimEnd('/') + "/";
        var tally = new SizeTally(MaxToolchainProbes);
        var freshness = new FreshnessTally("channel(s)");
        var servedTree = layout.PinnedToolchainsDir();
        var problems = new List<string>();
        long manifestBytes = 0;
        foreach (var channel in request.Channels)
        {
            try
            {
                var bytes = await fetcher.GetAsync(new Uri(server + channel.ManifestPath), ChannelManifest.MaxBytes, cancellationToken)
                    ?? throw new MirrorException($"the dist server has no {channel.ManifestPath}");
                manifestBytes += bytes.Length * ManifestCopies;
                var manifest = ChannelManifest.Parse(bytes);
                freshness.Channel(channel.ToString(), manifest, bytes, servedTree is null ? "" : ToolchainTree.Full(servedTree, channel.ManifestPath));
                foreach (var file in request.Selection.Select(manifest))
                {
                    var stored = new FileInfo(ToolchainSync.Store(layout, file.RelativePath));
                    if (stored.Exists) tally.Present(stored.Length);
                    else tally.Needed(new Uri(server + file.RelativePath), null);
                }
            }
            catch (MirrorException ex)
            {
                problems.Add($"{channel}: {ex.Message}");
            }
        }
        return await tally.FinishAsync(http, manifestBytes, problems, cancellationToken) with { Freshness = freshness.Finish() };
    }
}
