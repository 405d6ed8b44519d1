using GhostCrate.Protocol.Client;
using GhostCrate.Protocol.Index;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Every call to an upstream goes through here: one deadline per call (Proxy:Upstreams:NAME:RequestTimeout, covering
/// the body too, which HttpClient.Timeout does not once headers have arrived; a download's body moves it forward by
/// StallTimeout with every chunk, <see cref="StallWatchStream"/>), and success or failure recorded in the
/// upstream's status and its circuit breaker (<see cref="UpstreamCircuitBreaker"/>): while the circuit is open a call
/// fails at once without contacting the upstream, so callers fall back to their cached copies immediately. A 404 is a
/// success: the upstream answered.
/// </summary>
public sealed class UpstreamGateway(IUpstreamHttp http, IUpstreamCircuitLog circuits, TimeProvider time, ILogger<UpstreamGateway> logger)
{
    /// <summary>config.json rarely changes; re-read it this often.</summary>
    private static readonly TimeSpan ConfigLifetime = TimeSpan.FromHours(1);

    private SparseRegistryClient IndexClient(Upstream upstream) =>
        new(http.CreateClient(upstream.Definition), upstream.Definition.IndexUrl, new SparseRegistryClientOptions { AuthToken = upstream.Definition.Token });

    public Task<IndexFetchResult> FetchIndexFileAsync(Upstream upstream, string crateName, IndexValidators? validators) =>
        WithDeadlineAsync(upstream, deadline => IndexClient(upstream).FetchIndexFileAsync(crateName, validators, deadline.Token),
            r => r.Status == FetchStatus.Error ? r.Error : null,
            message => IndexFetchResult.Failed(message));

    public async Task<DownloadResult> DownloadAsync(Upstream upstream, Uri url, Stream destination, long maxBytes)
    {
        StallWatchStream? watched = null;
        return await WithDeadlineAsync(upstream,
            deadline => IndexClient(upstream).DownloadAsync(url, watched = new StallWatchStream(destination, deadline, upstream.Definition.StallTimeout), maxBytes, deadline.Token),
            r => r.Status switch
            {
                FetchStatus.Error => r.Error,
                // The index lists the version, so a missing file is the upstream's fault.
                FetchStatus.NotFound => $"{url} answered HTTP {r.HttpStatus} for a version its index lists",
                _ => null,
            },
            message => DownloadResult.Failed(message),
            timedOut: () => watched is { Written: > 0 } body
                ? $"upstream `{upstream.Name}` sent nothing for {upstream.Definition.StallTimeout.TotalSeconds:0.#} s after {body.Written} bytes of {url}"
                : null);
    }

    public async Task<SearchFetchResult> SearchAsync(Upstream upstream, string query, int perPage, int page)
    {
        var api = upstream.Definition.ApiUrl;
        if (api is null)
        {
            var (config, error) = await GetConfigAsync(upstream);
            if (config?.Api is not { Length: > 0 } fromConfig || !Uri.TryCreate(fromConfig, UriKind.Absolute, out api))
                return new SearchFetchResult(FetchStatus.Error, null, null, error ?? $"upstream `{upstream.Name}` has no web API (no `api` in its config.json); set Proxy:Upstreams:{upstream.Name}:ApiUrl");
        }
        var client = new RegistryApiClient(http.CreateClient(upstream.Definition), api);
        return await WithDeadlineAsync(upstream, deadline => client.SearchAsync(query, perPage, page, deadline.Token),
            r => r.Status == FetchStatus.Error ? r.Error : null,
            message => new SearchFetchResult(FetchStatus.Error, null, null, message));
    }

    /// <summary>
    /// The upstream's config.json, cached in memory for an hour; when a refresh fails the last good copy is used
    /// (a stale `dl` is far better than no download at all).
    /// </summary>
    /// <param name="probe">An operator's explicit check (the status endpoint's probe): asks even while the circuit is open, and its outcome closes or keeps it open.</param>
    public async Task<(RegistryConfig? Config, string? Error)> GetConfigAsync(Upstream upstream, bool refresh = false, bool probe = false)
    {
        if (!refresh && upstream.Config is { } held && time.GetUtcNow() - held.FetchedAt < ConfigLifetime) return (held.Config, null);
        var fetched = await upstream.ConfigFetches.RunAsync(probe ? 1 : 0, async () =>
        {
            var result = await WithDeadlineAsync(upstream, deadline => IndexClient(upstream).FetchConfigAsync(deadline.Token),
                r => r.Status == FetchStatus.Ok ? null : r.Error ?? $"config.json answered HTTP {r.HttpStatus}",
                message => ConfigFetchResult.Failed(message), probe);
            if (result.Config is { } config)
            {
                upstream.Config = new ConfigSnapshot(config, time.GetUtcNow());
                return (config, (string?)null);
            }
            return (upstream.Config?.Config, result.Error);
        });
        return fetched;
    }

    /// <param name="call">Gets the call's deadline, which it may move (a download's progress).</param>
    /// <param name="failed">Makes the failed result from a message.</param>
    /// <param name="timedOut">Says why the deadline passed when the call knows better than "did not answer" (a stall).</param>
    private async Task<T> WithDeadlineAsync<T>(Upstream upstream, Func<CancellationTokenSource, Task<T>> call, Func<T, string?> failureOf, Func<string, T> failed,
        bool probe = false, Func<string?>? timedOut = null)
    {
        if (!probe && !upstream.Breaker.TryEnter())
        {
            // Not an upstream failure of its own (nothing was asked), so neither counted nor logged per request.
            return failed($"upstream `{upstream.Name}` is failing; GhostCrate asks it again after {upstream.Breaker.RetryAt:u} (circuit breaker open)");
        }
        using var deadline = new CancellationTokenSource(upstream.Definition.RequestTimeout, time);
        T result;
        try
        {
            result = await call(deadline);
        }
        catch (Exception e) when (deadline.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
        {
            // A body read cut by the deadline may surface as an I/O error rather than a cancellation.
            result = failed(timedOut?.Invoke() ?? $"upstream `{upstream.Name}` did not answer within {upstream.Definition.RequestTimeout.TotalSeconds:0.#} s");
        }

        var now = time.GetUtcNow();
        if (failureOf(result) is { } failure)
        {
            upstream.Stats.Failure(now, failure);
            logger.LogWarning("Upstream {Upstream} failed: {Error}", upstream.Name, failure);
            if (upstream.Breaker.Failure() == CircuitTransition.Opened)
            {
                upstream.Stats.CircuitChanged(open: true);
                logger.LogWarning("Upstream {Upstream} failed {Failures} times in a row: serving cached copies without asking it until {RetryAt:u}",
                    upstream.Name, upstream.Breaker.FailureThreshold, upstream.Breaker.RetryAt);
                await ReportAsync(upstream, down: true, failure, now);
            }
        }
        else
        {
            upstream.Stats.Success(now);
            if (upstream.Breaker.Success() == CircuitTransition.Closed)
            {
                upstream.Stats.CircuitChanged(open: false);
                logger.LogInformation("Upstream {Upstream} answers again: circuit breaker closed", upstream.Name);
                await ReportAsync(upstream, down: false, null, now);
            }
        }
        return result;
    }

    /// <summary>
    /// Tells the other nodes (and webhooks: proxy.upstream_down / proxy.upstream_up) about a transition. Only on a
    /// transition, so rarely; a database that cannot be reached must not fail the proxy request, which is answered from
    /// the cache precisely because something is down.
    /// </summary>
    private async Task ReportAsync(Upstream upstream, bool down, string? error, DateTimeOffset now)
    {
        try
        {
            await circuits.RecordAsync(upstream.Name, down, error, now, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Could not record that upstream {Upstream} is {State}", upstream.Name, down ? "down" : "up");
        }
    }
}
