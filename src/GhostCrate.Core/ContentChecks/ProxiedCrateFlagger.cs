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
    public async Task RecordAsync(string upstream, string crateName, string version, Stream crateFile, CancellationToken cancellationToken)
    {
        try
        {
            // Bounded by the proxy's download limit, which the spool has already enforced.
            var length = crateFile.Length;
            if (length > proxy.Value.MaxCrateSizeBytes) return;
            var bytes = new byte[length];
            crateFile.Position = 0;
            await crateFile.ReadExactlyAsync(bytes, cancellationToken);
            var limits = new TarballLimits(registry.Value.MaxUnpackedSizeBytes, registry.Value.MaxTarballEntries) { LargeFileBytes = options.Value.LargeFileBytes };
            var result = CrateTarballValidator.Validate(bytes, crateName, version, limits);
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
