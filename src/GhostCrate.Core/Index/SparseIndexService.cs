namespace GhostCrate.Core.Index;

/// <summary>
/// Serves a crate's sparse index file (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol)
/// as stored by the transaction that last changed it (<see cref="IIndexFileStore"/>; rendered by
/// <see cref="IndexFileRenderer"/>). Files are kept in <see cref="IndexFileCache"/>; this node's writers drop theirs
/// through <see cref="Invalidate"/> right after they commit, and <see cref="IndexChangeFollower"/> drops the files other
/// processes changed.
/// </summary>
public sealed class SparseIndexService(IIndexFileStore store, IndexFileCache cache, IndexChangeFollower follower)
{
    /// <summary>The index file for the lowercase name of a request path, or null when no such crate exists.</summary>
    public ValueTask<IndexFile?> GetAsync(string lowercaseName, CancellationToken cancellationToken)
    {
        var canonical = Protocol.Crates.CrateName.Canonicalize(lowercaseName);
        // Several nodes: confirm with the change counter first (read-your-writes, see IndexChangeFollower).
        if (follower.ReadBarrier) return AfterCatchUpAsync(lowercaseName, canonical, cancellationToken);
        // A file from memory (every warm request and 304 on a single node) completes here, without a state machine.
        if (cache.TryGet(canonical) is { } file) return new ValueTask<IndexFile?>(SameSpelling(file, lowercaseName));
        return LoadAsync(lowercaseName, canonical, cancellationToken);
    }

    private async ValueTask<IndexFile?> AfterCatchUpAsync(string lowercaseName, string canonical, CancellationToken cancellationToken)
    {
        await follower.CatchUpAsync(cancellationToken);
        return cache.TryGet(canonical) is { } file ? SameSpelling(file, lowercaseName) : await LoadAsync(lowercaseName, canonical, cancellationToken);
    }

    private async ValueTask<IndexFile?> LoadAsync(string lowercaseName, string canonical, CancellationToken cancellationToken)
    {
        var version = cache.Version;
        var stored = await store.FindAsync(canonical, cancellationToken);
        if (stored is null) return null;
        var file = new IndexFile(stored.Content, stored.ETag, TruncateToSeconds(stored.LastModified)) { Name = stored.Name };
        cache.Store(canonical, file, stored.Seq, version);
        return SameSpelling(file, lowercaseName);
    }

    /// <summary>
    /// Cargo asks for the lowercase spelling of the name it depends on; `foo_bar` must not answer for `foo-bar`, though
    /// both share the canonical key the cache and the database use.
    /// Most names have no '_': then both spellings equal the canonical key, and the name (another object in memory,
    /// most of the cost of a 304 is such reads) need not be compared.
    /// </summary>
    private static IndexFile? SameSpelling(IndexFile file, string lowercaseName) =>
        (!file.NameHasUnderscore && !lowercaseName.Contains('_')) || file.Name.Equals(lowercaseName, StringComparison.OrdinalIgnoreCase) ? file : null;

    private long _localWrites;

    /// <summary>
    /// How many times this node's writers reported a change so far: a request that saw it unchanged from its start to
    /// its answer changed no index file, and its answer need not wait for other nodes (Web/Http/IndexWriteConfirmationMiddleware).
    /// </summary>
    public long LocalWrites => Interlocked.Read(ref _localWrites);

    /// <summary>Called by this node's writers after a change to a crate's versions has committed (or may have).</summary>
    public void Invalidate(string canonicalName)
    {
        Interlocked.Increment(ref _localWrites);
        cache.Invalidate(canonicalName);
    }

    /// <summary>A strong validator: a hash of the exact bytes (<see cref="IndexFileRenderer.ETagOf"/>).</summary>
    public static string ETagOf(ReadOnlySpan<byte> bytes) => IndexFileRenderer.ETagOf(bytes);

    // HTTP dates have second precision; keeping more would make If-Modified-Since never match.
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}

public sealed record IndexFile(byte[] Content, string ETag, DateTimeOffset LastModified)
{
    private readonly string _name = "";

    /// <summary>The crate's name as published (the file is keyed by its canonical name).</summary>
    public string Name
    {
        get => _name;
        init
        {
            _name = value;
            NameHasUnderscore = value.Contains('_');
        }
    }

    /// <summary>Whether <see cref="Name"/> has a '_' (kept here so a request can be matched without reading the name).</summary>
    public bool NameHasUnderscore { get; private init; }

    /// <summary>The Last-Modified header value, formatted once (RFC 9110 IMF-fixdate).</summary>
    public string LastModifiedHeader { get; } = LastModified.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
