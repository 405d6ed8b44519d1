using System.Collections.Concurrent;
using System.Net;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Storage;
using GhostCrate.Protocol.Client;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>An upstream answered by a function of the request; every request is recorded.</summary>
internal sealed class ScriptedUpstream(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler, IUpstreamHttp
{
    public ScriptedUpstream(Func<HttpRequestMessage, HttpResponseMessage> answer) : this((r, _) => Task.FromResult(answer(r))) { }

    public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();

    public HttpClient CreateClient(UpstreamDefinition upstream) => new(this, disposeHandler: false);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        return answer(request, cancellationToken);
    }

    public static HttpResponseMessage Body(string text, string? etag = null, string? lastModified = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(text) };
        if (etag is not null) response.Headers.ETag = System.Net.Http.Headers.EntityTagHeaderValue.Parse(etag);
        if (lastModified is not null) response.Content.Headers.TryAddWithoutValidation("Last-Modified", lastModified);
        return response;
    }
}

/// <summary>The cache metadata in a dictionary (unit tests only; the real one is tested on SQLite and PostgreSQL).</summary>
internal sealed class MemoryProxyCache : IProxyCacheRepository
{
    public ConcurrentDictionary<(string, string), CachedIndexFile> Files { get; } = new();
    public ConcurrentDictionary<(string, string, string), long> Crates { get; } = new();

    public Task<CachedIndexFile?> FindIndexFileAsync(string upstream, string crateName, CancellationToken cancellationToken) =>
        Task.FromResult(Files.GetValueOrDefault((upstream, crateName)));

    public Task SaveIndexFileAsync(CachedIndexFile file, CancellationToken cancellationToken)
    {
        Files[(file.UpstreamName, file.CrateName)] = file;
        return Task.CompletedTask;
    }

    public Task TouchIndexFileAsync(string upstream, string crateName, DateTimeOffset fetchedAt, IndexValidators validators, CancellationToken cancellationToken)
    {
        if (Files.TryGetValue((upstream, crateName), out var f))
            Files[(upstream, crateName)] = f with { FetchedAt = fetchedAt, Upstream = new IndexValidators(validators.ETag ?? f.Upstream.ETag, validators.LastModified ?? f.Upstream.LastModified) };
        return Task.CompletedTask;
    }

    public Task DeleteIndexFileAsync(string upstream, string crateName, CancellationToken cancellationToken)
    {
        Files.TryRemove((upstream, crateName), out _);
        return Task.CompletedTask;
    }

    /// <summary>When set, recording a crate file waits for it (a slow database).</summary>
    public TaskCompletionSource? RecordGate { get; set; }

    /// <summary>When set, recording a crate file fails with it (a database that is down).</summary>
    public Exception? RecordFailure { get; set; }

    public async Task RecordCrateFileAsync(string upstream, string crateName, string version, long size, string checksum, DateTimeOffset storedAt, CancellationToken cancellationToken)
    {
        if (RecordGate is { } gate) await gate.Task;
        if (RecordFailure is { } failure) throw failure;
        Crates.TryAdd((upstream, crateName, version), size);
    }

    /// <summary>Batches written by <see cref="SaveBatchAsync"/>.</summary>
    public int Batches;

    /// <summary>When set, completed once a batch is written (a test sees the write-behind write without asking it to).</summary>
    public TaskCompletionSource? BatchSaved { get; set; }

    public async Task SaveBatchAsync(IReadOnlyList<CachedIndexFile> indexFiles, IReadOnlyList<CachedCrateRecord> crateFiles, CancellationToken cancellationToken)
    {
        if (RecordGate is { } gate) await gate.Task;
        if (RecordFailure is { } failure) throw failure;
        foreach (var file in indexFiles) Files[(file.UpstreamName, file.CrateName)] = file;
        foreach (var crate in crateFiles) Crates.TryAdd((crate.Upstream, crate.CrateName, crate.Version), crate.Size);
        Interlocked.Increment(ref Batches);
        BatchSaved?.TrySetResult();
    }

    public Task<ProxyCacheUsage> GetUsageAsync(string upstream, CancellationToken cancellationToken) =>
        Task.FromResult(new ProxyCacheUsage(Files.Count, Files.Values.Sum(f => f.Content.Length), Crates.Count, Crates.Values.Sum()));
}

/// <summary>Blobs in a dictionary (unit tests only; the real stores have their own contract tests).</summary>
internal sealed class MemoryBlobStore : IBlobStore
{
    public ConcurrentDictionary<string, byte[]> Blobs { get; } = new();

    /// <summary>When set, a put waits for it (a slow disk or S3).</summary>
    public TaskCompletionSource? PutGate { get; set; }

    /// <summary>When set, a put fails with it (a full disk).</summary>
    public Exception? PutFailure { get; set; }

    private int _puts;

    /// <summary>Puts started.</summary>
    public int Puts => Volatile.Read(ref _puts);

    public async Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _puts);
        if (PutGate is { } gate) await gate.Task;
        if (PutFailure is { } failure) throw failure;
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        if (mode == BlobPutMode.IfAbsent) return Blobs.TryAdd(key.Path, copy.ToArray()) ? BlobPutResult.Stored : BlobPutResult.AlreadyExists;
        Blobs[key.Path] = copy.ToArray();
        return BlobPutResult.Stored;
    }

    private int _reads;

    /// <summary>How many times a blob was opened for reading (found or not).</summary>
    public int Reads => Volatile.Read(ref _reads);

    public Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(Blobs.TryGetValue(key.Path, out var b) ? new BlobContent(new MemoryStream(b), b.Length, null) : null);
    }

    public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) => Task.FromResult(Blobs.ContainsKey(key.Path));

    public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken)
    {
        Blobs.TryRemove(key.Path, out _);
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) =>
        Blobs.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToAsyncEnumerable();

    public Task CheckHealthAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
