using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Options;
using GhostCrate.Core.Publishing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Refuses a new private crate whose name exists in an upstream (dependency confusion: a build that reads the public
/// registry instead of the private one, through a missing `registry = ...` key or a changed source replacement, would
/// silently get the public crate, possibly an attacker's). When an upstream cannot be asked, the publish fails closed
/// unless Proxy:AllowPublishWhenUpstreamUnreachable is set.
/// </summary>
public sealed class DependencyConfusionGuard(
    UpstreamRegistries upstreams,
    ProxyIndexService index,
    IOptions<ProxyOptions> options,
    ILogger<DependencyConfusionGuard> logger) : IPublishNameGuard
{
    public async Task<RegistryError?> CheckNewCrateAsync(string name, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.AllowPrivateNamesThatExistUpstream) return null;
        foreach (var upstream in upstreams.All)
        {
            // Registries treat '-' and '_' as the same name, but index files are keyed by one spelling: try the common ones.
            foreach (var spelling in Spellings(name))
            {
                var found = await index.GetAsync(upstream, spelling, revalidate: false, cancellationToken);
                switch (found.Status)
                {
                    case ProxyIndexStatus.Found:
                        Operations.GhostCrateMetrics.DependencyConfusionRefusals.Add(1, new KeyValuePair<string, object?>("upstream", upstream.Name));
                        return RegistryError.Conflict(
                            $"the crate name `{name}` already exists on the upstream registry `{upstream.Name}` ({upstream.Definition.IndexUrl}) as `{spelling}`. " +
                            "A private crate with a public name invites dependency confusion: any build that resolves the name through the upstream instead of this registry " +
                            "(a missing `registry = ...` key, a changed source replacement) silently gets the public crate, which anyone can publish. " +
                            "Choose a name that is not taken upstream (for example with your organisation's prefix), or ask an administrator to set Proxy:AllowPrivateNamesThatExistUpstream=true.");
                    case ProxyIndexStatus.Unavailable when !settings.AllowPublishWhenUpstreamUnreachable:
                        logger.LogWarning("Refused the first publish of {Crate}: upstream {Upstream} could not be checked ({Error})", name, upstream.Name, found.Error);
                        return RegistryError.Unavailable(
                            $"cannot check whether the crate name `{name}` exists on the upstream registry `{upstream.Name}`: {found.Error}. " +
                            "New crate names are checked against the upstreams to prevent dependency confusion, and the check fails closed. " +
                            "Publish again when the upstream is reachable, or ask an administrator to set Proxy:AllowPublishWhenUpstreamUnreachable=true.");
                }
            }
        }
        return null;
    }

    private static IEnumerable<string> Spellings(string name) =>
        new[] { name, name.Replace('_', '-'), name.Replace('-', '_') }.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal);
}
