using GhostCrate.Protocol.Api;
using GhostCrate.Protocol.Client;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>A search hit from an upstream, for the private registry's search (marked with the mount name).</summary>
public sealed record UpstreamSearchHit(string Upstream, SearchCrate Crate);

/// <summary>`cargo search` through a mount, and upstream hits for the private registry's search.</summary>
public sealed class ProxySearchService(UpstreamRegistries upstreams, UpstreamGateway gateway, ILogger<ProxySearchService> logger)
{
    /// <summary>The same cap as the private search: a query is a few words, not a document.</summary>
    public const int MaxQueryLength = 200;

    public Task<SearchFetchResult> SearchAsync(Upstream upstream, string query, int perPage, int page, CancellationToken cancellationToken) =>
        gateway.SearchAsync(upstream, query, perPage, page).WaitAsync(cancellationToken);

    /// <summary>
    /// Hits of every upstream with IncludeInSearch, first page only. An upstream that fails is left out (and logged):
    /// the private registry's search must keep working when crates.io is down.
    /// </summary>
    public async Task<(IReadOnlyList<UpstreamSearchHit> Hits, long Total)> SearchIncludedAsync(string query, int perPage, CancellationToken cancellationToken)
    {
        var included = upstreams.All.Where(u => u.Definition.IncludeInSearch).ToList();
        var q = query.Trim();
        if (included.Count == 0 || q.Length == 0) return ([], 0);
        if (q.Length > MaxQueryLength) q = q[..MaxQueryLength];
        var answers = await Task.WhenAll(included.Select(u => gateway.SearchAsync(u, q, perPage, 1))).WaitAsync(cancellationToken);
        var hits = new List<UpstreamSearchHit>();
        long total = 0;
        for (var i = 0; i < included.Count; i++)
        {
            if (answers[i].Response is { } response)
            {
                hits.AddRange(response.Crates.Select(c => new UpstreamSearchHit(included[i].Name, c)));
                total += response.Meta.Total;
            }
            else
            {
                logger.LogWarning("Search of upstream {Upstream} left out: {Error}", included[i].Name, answers[i].Error);
            }
        }
        return (hits, total);
    }
}
