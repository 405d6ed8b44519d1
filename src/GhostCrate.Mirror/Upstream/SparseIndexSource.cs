using System.Net;
using System.Runtime.CompilerServices;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Selection;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// A sparse index over HTTP (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol). It cannot
/// be listed, so only pinned crates (names, lock files, vendor folders) can be mirrored from it. 404, 410 and 451 mean
/// "no such crate", as for cargo; other failures are retried with the download policy's backoff.
/// </summary>
public sealed class SparseIndexSource(HttpClient http, UpstreamConfig upstream, DownloadConfig policy) : IIndexSource
{
    private const int MaxIndexFileBytes = 64 * 1024 * 1024;
    private readonly Backoff _backoff = new(policy);

    public async Task<string> PrepareAsync(CancellationToken cancellationToken)
    {
        var (content, error) = await FetchAsync("config.json", cancellationToken);
        if (content is null) throw new MirrorException($"{upstream.Index}config.json: {error}");
        return GitIndexSource.ParseDl(System.Text.Encoding.UTF8.GetString(content), upstream.Index);
    }

    public async IAsyncEnumerable<UpstreamIndexFile> ReadAsync(ResolvedSelection selection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (selection.Pins is not { } pins)
            throw new MirrorException("a sparse upstream cannot be listed: name the crates to mirror (selection.crates, selection.lockfiles or selection.vendorDirs in mirror.json)");
        foreach (var name in pins.Keys)
        {
            if (!selection.WantsCrate(name)) continue;
            var (content, error) = await FetchAsync(IndexPath.ForCrate(name), cancellationToken);
            yield return new UpstreamIndexFile(name, content, content is null ? error : null);
        }
    }

    public Task CommitAsync(ResolvedSelection selection, CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<(byte[]? Content, string? Error)> FetchAsync(string relative, CancellationToken cancellationToken)
    {
        var url = new Uri(upstream.SparseBase, relative);
        string error = "";
        for (var attempt = 1; attempt <= policy.MaxAttempts; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(policy.RequestTimeoutSeconds + policy.StallTimeoutSeconds));
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.UnavailableForLegalReasons)
                    return (null, $"the upstream has no such crate ({(int)response.StatusCode})");
                if (response.IsSuccessStatusCode)
                {
                    if (response.Content.Headers.ContentLength > MaxIndexFileBytes) return (null, "the index file is larger than 64 MiB");
                    return (await response.Content.ReadAsByteArrayAsync(timeout.Token), null);
                }
                error = $"HTTP {(int)response.StatusCode}";
                if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429) return (null, error);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                error = ex.Message;
            }
            if (attempt < policy.MaxAttempts) await Task.Delay(_backoff.Delay(attempt), cancellationToken);
        }
        return (null, $"{url}: {error} (after {policy.MaxAttempts} attempts)");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
