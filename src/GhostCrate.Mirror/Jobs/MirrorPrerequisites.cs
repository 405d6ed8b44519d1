using GhostCrate.Core.MirrorJobs;
using GhostCrate.Core.Options;
using GhostCrate.Mirror.Bundles;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Estimates;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Protocol.Formatting;
using Microsoft.Extensions.Options;

namespace GhostCrate.Mirror.Jobs;

/// <summary>
/// What a mirror operation needs before it starts, checked when an administrator asks for it and again on the node
/// that runs it: the directory writable, free disk (Mirror:MinFreeBytes), mirror.json readable, the upstream or dist
/// server answering through the same guarded client the job will use, and the keys the operation needs. Asked with
/// an estimate, a sync's disk check is against what the selection would download (<see cref="MirrorEstimator"/>) on
/// top of Mirror:MinFreeBytes, and the same reads say how fresh the served index is (<see cref="IndexFreshness"/>).
/// </summary>
public sealed class MirrorPrerequisites(MirrorJobHttp http, IOptions<MirrorOptions> options, TimeProvider time) : IMirrorPrerequisites
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    public async Task<IReadOnlyList<PrerequisiteCheck>> CheckAsync(MirrorJobRequest request, bool estimate, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled) return [new PrerequisiteCheck("directory", false, "no offline mirror is configured: set Mirror:Directory")];
        var layout = new MirrorLayout(settings.Directory!);
        var checks = new List<PrerequisiteCheck> { Writable("directory", layout.StateDir) };
        var writes = request.Operation is not MirrorOperations.Verify;
        // An estimated disk check comes after the estimate (which needs the upstream reachable first).
        var estimated = estimate && request.Operation is MirrorOperations.Sync or MirrorOperations.ToolchainSync;
        if (writes && !estimated) checks.Add(FreeSpace("disk", layout.Root, settings.MinFreeBytes));
        var estimator = new MirrorEstimator(http, time);

        switch (request.Operation)
        {
            case MirrorOperations.Sync:
            case MirrorOperations.Repair:
            {
                var config = Config(layout, checks);
                if (config is null) break;
                if (request.Operation == MirrorOperations.Sync)
                {
                    var upstream = await UpstreamAsync(config.Upstream, cancellationToken);
                    checks.Add(upstream);
                    if (estimated && upstream.Ok)
                        checks.AddRange(await DiskNeedAsync(() => estimator.EstimateCratesAsync(layout, NoProgress.Instance, cancellationToken), layout.Root, settings.MinFreeBytes));
                }
                else if ((config.Upstream.Download ?? UpstreamDownloadTemplate.Load(layout)) is { } dl)
                {
                    checks.Add(new PrerequisiteCheck("download URL", true, dl));
                }
                else
                {
                    checks.Add(new PrerequisiteCheck("download URL", false, "no download URL known yet: run a sync once, or set upstream.download in mirror.json"));
                }
                break;
            }
            case MirrorOperations.Verify:
                Config(layout, checks);
                break;
            case MirrorOperations.ToolchainSync:
            {
                var key = settings.ToolchainKeyFile;
                checks.Add(string.IsNullOrWhiteSpace(key) || !File.Exists(key)
                    ? new PrerequisiteCheck("signing key", false, "set Mirror:ToolchainKeyFile to the Rust release public key (docs/toolchains.md, step 1); the server checks every channel manifest's signature")
                    : new PrerequisiteCheck("signing key", true, key));
                var syncRequest = ToolchainJobRequest.Build(request.Toolchain!, key ?? "", out var errors);
                if (errors.Count > 0)
                {
                    checks.Add(new PrerequisiteCheck("parameters", false, string.Join("; ", errors)));
                    break;
                }
                var reachable = true;
                foreach (var channel in syncRequest.Channels)
                {
                    var check = await ReachableAsync($"dist server ({channel})", new Uri(new Uri(syncRequest.DistServer.AbsoluteUri.TrimEnd('/') + "/"), channel.ManifestPath + ".sha256"), cancellationToken);
                    reachable &= check.Ok;
                    checks.Add(check);
                }
                if (estimated && reachable)
                    checks.AddRange(await DiskNeedAsync(() => estimator.EstimateToolchainsAsync(layout, syncRequest, cancellationToken), layout.Root, settings.MinFreeBytes));
                break;
            }
            case MirrorOperations.Export:
            {
                if (string.IsNullOrWhiteSpace(settings.ExportDirectory))
                {
                    checks.Add(new PrerequisiteCheck("export directory", false, "set Mirror:ExportDirectory (where bundles are written) and Mirror:ExportKeyFile (the key that signs them)"));
                    break;
                }
                checks.Add(Writable("export directory", settings.ExportDirectory));
                checks.Add(FreeSpace("export disk", settings.ExportDirectory, settings.MinFreeBytes));
                checks.Add(File.Exists(settings.ExportKeyFile)
                    ? new PrerequisiteCheck("signing key", true, settings.ExportKeyFile!)
                    : new PrerequisiteCheck("signing key", false, "set Mirror:ExportKeyFile to the OpenPGP secret key that signs bundles"));
                if (request.Incremental)
                {
                    checks.Add(MarkFile.Latest(layout) > 0
                        ? new PrerequisiteCheck("previous export", true, $"changes since mark {MarkFile.Latest(layout)}")
                        : new PrerequisiteCheck("previous export", false, "no export has been made yet; export in full first"));
                }
                break;
            }
        }
        // Nothing to estimate from (mirror.json unreadable, the upstream down): the floor alone, so the disk still shows.
        if (estimated && !checks.Any(c => c.Name == "disk"))
        {
            checks.Add(FreshnessUnknown);
            checks.Add(FreeSpace("disk", layout.Root, settings.MinFreeBytes));
        }
        return checks;
    }

    /// <summary>The estimate as a check of its own (failing when index files could not be read), then the disk against it.</summary>
    private static async Task<IReadOnlyList<PrerequisiteCheck>> DiskNeedAsync(Func<Task<DiskEstimate>> estimate, string root, long minimum)
    {
        DiskEstimate need;
        try
        {
            need = await estimate();
        }
        catch (Exception ex) when (ex is MirrorException or IOException or UnauthorizedAccessException or HttpRequestException)
        {
            return [new PrerequisiteCheck("estimate", false, $"could not estimate the download: {ex.Message}"), FreshnessUnknown, FreeSpace("disk", root, minimum)];
        }
        var estimateCheck = need.Problems.Count == 0
            ? new PrerequisiteCheck("estimate", true, need.Describe())
            : new PrerequisiteCheck("estimate", false, $"{need.Describe()}: {string.Join("; ", need.Problems.Take(3))}");
        var freshness = need.Freshness is { } f ? new PrerequisiteCheck(FreshnessName, !f.UpstreamBehind, f.Describe()) : FreshnessUnknown;
        return [estimateCheck, freshness, FreeSpace("disk", root, minimum, need.TotalBytes)];
    }

    /// <summary>
    /// The served index (channel manifests for toolchains) against the upstream's: how many changed, and a problem
    /// when the upstream is older than what is served (the sync would take the mirror back). Part of the estimate.
    /// </summary>
    private const string FreshnessName = "index freshness";

    private static readonly PrerequisiteCheck FreshnessUnknown =
        new(FreshnessName, false, "not compared: the upstream's index could not be read (see the checks above)");

    private static MirrorConfig? Config(MirrorLayout layout, List<PrerequisiteCheck> checks)
    {
        try
        {
            var config = MirrorConfigFile.Load(layout);
            checks.Add(new PrerequisiteCheck("mirror.json", true, $"upstream {config.Upstream.Index}"));
            return config;
        }
        catch (Exception ex) when (ex is MirrorException or IOException or UnauthorizedAccessException)
        {
            checks.Add(new PrerequisiteCheck("mirror.json", false, ex.Message));
            return null;
        }
    }

    /// <summary>Creates and removes a file: permissions, a read-only mount and a full inode table all show here.</summary>
    private static PrerequisiteCheck Writable(string name, string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-check-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return new PrerequisiteCheck(name, true, $"{directory} is writable");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new PrerequisiteCheck(name, false, $"{directory} is not writable: {ex.Message}");
        }
    }

    /// <param name="need">What the run is estimated to write; the disk must hold it and still keep <paramref name="minimum"/> free.</param>
    private static PrerequisiteCheck FreeSpace(string name, string directory, long minimum, long? need = null)
    {
        try
        {
            var free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
            if (need is not { } bytes)
            {
                return free >= minimum
                    ? new PrerequisiteCheck(name, true, $"{ByteSize.Format(free)} free")
                    : new PrerequisiteCheck(name, false, $"only {ByteSize.Format(free)} free, less than Mirror:MinFreeBytes ({ByteSize.Format(minimum)})");
            }
            return free - bytes >= minimum
                ? new PrerequisiteCheck(name, true, $"{ByteSize.Format(free)} free; the run needs about {ByteSize.Format(bytes)} and leaves more than Mirror:MinFreeBytes ({ByteSize.Format(minimum)})")
                : new PrerequisiteCheck(name, false, $"only {ByteSize.Format(free)} free; the run needs about {ByteSize.Format(bytes)} (an estimate) plus Mirror:MinFreeBytes ({ByteSize.Format(minimum)}) left over");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new PrerequisiteCheck(name, false, $"free space of {directory} unknown: {ex.Message}");
        }
    }

    private Task<PrerequisiteCheck> UpstreamAsync(UpstreamConfig upstream, CancellationToken cancellationToken)
    {
        if (upstream.IsSparse) return ReachableAsync("upstream", new Uri(upstream.SparseBase, "config.json"), cancellationToken);
        // A git upstream over HTTP answers the smart protocol's ref advertisement; a local path or ssh is left to git.
        if (Uri.TryCreate(upstream.Index, UriKind.Absolute, out var git) && git.Scheme is "http" or "https")
            return ReachableAsync("upstream", new Uri(git.AbsoluteUri.TrimEnd('/') + "/info/refs?service=git-upload-pack"), cancellationToken);
        return Task.FromResult(new PrerequisiteCheck("upstream", true, $"{upstream.Index}: not checked (git reaches it itself)"));
    }

    private async Task<PrerequisiteCheck> ReachableAsync(string name, Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await http.CreateClient(MirrorJobHttp.ClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode
                ? new PrerequisiteCheck(name, true, $"{url} answered {(int)response.StatusCode}")
                : new PrerequisiteCheck(name, false, $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PrerequisiteCheck(name, false, $"{url} did not answer within {ProbeTimeout.TotalSeconds:F0} s");
        }
        catch (HttpRequestException ex)
        {
            return new PrerequisiteCheck(name, false, $"{url}: {ex.Message}");
        }
    }
}
