using GhostCrate.Core.Options;
using GhostCrate.Packaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.ContentChecks;

/// <summary>
/// Content flags of a .crate the proxy has just cached (issue 20: "for proxied crates when fetched"), computed by
/// the same validator pass as a publish. The file is served whatever the outcome: the upstream is the authority
/// on its own crates, so a crate our validator would refuse is logged and gets no flags rather than being withheld.
/// </summary>
public sealed class ProxiedCrateFlagger(
    IContentFlagRepository store,
    IOptions<ProxyOptions> proxy,
    IOptions<RegistryOptions> registry,
    IOptions<ContentCheckOptions> options,
    ILogger<ProxiedCrateFlagger> logger)
{
    /// <summary>Flags from a stream of the cached file (read whole: it is bounded by the proxy's download limit).</summary>
    public async Task RecordAsync(string upstream, string crateName, string version, Stream crateFile, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            using var copy = new MemoryStream();
            // Over the download limit it cannot be a file the proxy stored: no flags rather than an unbounded read.
            if (await Protocol.Client.CappedCopy.CopyAsync(crateFile, copy, proxy.Value.MaxCrateSizeBytes, cancellationToken) < 0) return;
            bytes = copy.ToArray();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read {Crate} {Version} of upstream {Upstream} for its content flags", crateName, version, upstream);
            return;
        }
        await RecordAsync(upstream, crateName, version, bytes, cancellationToken);
    }

    /// <summary>Flags from the verified bytes in hand.</summary>
    public async Task RecordAsync(string upstream, string crateName, string version, ReadOnlyMemory<byte> crateFile, CancellationToken cancellationToken)
    {
        try
        {
            if (crateFile.Length > proxy.Value.MaxCrateSizeBytes) return;
            var limits = new TarballLimits(registry.Value.MaxUnpackedSizeBytes, registry.Value.MaxTarballEntries) { LargeFileBytes = options.Value.LargeFileBytes };
            var result = CrateTarballValidator.Validate(crateFile, crateName, version, limits);
            if (!result.IsValid)
            {
                logger.LogWarning("No content flags for {Crate} {Version} of upstream {Upstream}: {Reason}", crateName, version, upstream, result.Error?.Message);
                return;
            }
            await store.ReplaceAsync(ContentFlagSources.Proxy(upstream), Protocol.Crates.CrateName.Canonicalize(crateName), version, result.Info.ContentFlags, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The cached file is stored and verified; only its flags are missing, and the next fetch of a new version retries.
            logger.LogWarning(e, "Could not record the content flags of {Crate} {Version} of upstream {Upstream}", crateName, version, upstream);
        }
    }
}
