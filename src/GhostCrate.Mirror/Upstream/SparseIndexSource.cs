using System.Runtime.CompilerServices;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Selection;
using GhostCrate.Mirror.Storage;
using GhostCrate.Protocol.Client;

namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// A sparse index over HTTP (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol), read
/// through the shared <see cref="SparseRegistryClient"/> (the proxy uses the same one). A sparse index cannot be
/// listed, so only pinned crates (names, lock files, vendor folders) can be mirrored from it. 404/410/451 mean "no
/// such crate", as for cargo; other failures are retried with the download policy's backoff. Each file is revalidated
/// with the validators of the copy kept in <see cref="SparseIndexCache"/>, the way cargo and the proxy do.
/// </summary>
public sealed class SparseIndexSource(HttpClient http, MirrorLayout layout, UpstreamConfig upstream, DownloadConfig policy) : IIndexSource
{
    private readonly SparseRegistryClient _client = new(http, upstream.SparseBase);
    private readonly SparseIndexCache _cache = new(layout);
    private readonly Backoff _backoff = new(policy);

    public async Task<string> PrepareAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await _client.FetchConfigAsync(cancellationToken);
            if (result.Status == FetchStatus.Ok) return result.Config!.Dl;
            if (result.Status == FetchStatus.NotFound || attempt >= policy.MaxAttempts || !Retryable(result.HttpStatus))
                throw new MirrorException($"{upstream.Index} config.json: {result.Error ?? $"HTTP {result.HttpStatus}"}");
            await Task.Delay(_backoff.Delay(attempt), cancellationToken);
        }
    }

    public async IAsyncEnumerable<UpstreamIndexFile> ReadAsync(ResolvedSelection selection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (selection.Pins is not { } pins)
            throw new MirrorException("a sparse upstream cannot be listed: name the crates to mirror (selection.crates, selection.lockfiles or selection.vendorDirs in mirror.json)");
        await foreach (var file in ReadNamesAsync(pins.Keys.Where(selection.WantsCrate).ToList(), cancellationToken)) yield return file;
    }

    public async IAsyncEnumerable<UpstreamIndexFile> ReadNamesAsync(IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A window of fetches runs ahead of the consumer (bounded by the download concurrency), and results come
        // back in name order: a lock file with hundreds of crates costs a few round trips, not hundreds.
        var window = new Queue<Task<UpstreamIndexFile>>();
        foreach (var name in names)
        {
            window.Enqueue(FetchAsync(name, cancellationToken));
            if (window.Count >= policy.Concurrency) yield return await window.Dequeue();
        }
        while (window.Count > 0) yield return await window.Dequeue();
    }

    public Task CommitAsync(ResolvedSelection selection, CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<UpstreamIndexFile> FetchAsync(string name, CancellationToken cancellationToken)
    {
        var cached = _cache.Read(name);
        for (var attempt = 1; ; attempt++)
        {
            var result = await _client.FetchIndexFileAsync(name, cached?.Validators, cancellationToken);
            switch (result.Status)
            {
                case FetchStatus.Ok:
                    _cache.Write(name, result.Content!, result.Validators);
                    return new UpstreamIndexFile(name, result.Content);
                case FetchStatus.NotModified when cached is { } copy:
                    return new UpstreamIndexFile(name, copy.Content, NotModified: true);
                case FetchStatus.NotFound:
                    _cache.Delete(name);
                    return new UpstreamIndexFile(name, null, $"the upstream has no such crate (HTTP {result.HttpStatus})");
            }
            if (attempt >= policy.MaxAttempts || !Retryable(result.HttpStatus))
                return new UpstreamIndexFile(name, null, $"{result.Error} (after {attempt} attempt(s))");
            await Task.Delay(_backoff.Delay(attempt), cancellationToken);
        }
    }

    /// <summary>Transport failures (no status), 5xx, 408 and 429 may pass; other answers will not change on a retry.</summary>
    private static bool Retryable(int? status) => status is null or >= 500 or 408 or 429;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
