using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Crates;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Core.Index;

/// <summary>
/// Renders a crate's sparse index file from the database (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol).
/// The file is derived data: it is rendered from the stored lines with their current yanked flag and never patched in
/// place. Rendered files are kept in <see cref="IndexFileCache"/> (when one is given), which this node's writers
/// invalidate through <see cref="Invalidate"/> right after they commit, so a publish or a yank is visible at once.
/// </summary>
public sealed class SparseIndexService(ICrateRepository crates, IndexFileCache? cache = null)
{
    /// <summary>The index file for the lowercase name of a request path, or null when no such crate exists.</summary>
    public ValueTask<IndexFile?> GetAsync(string lowercaseName, CancellationToken cancellationToken) =>
        GetAsync(lowercaseName, revalidation: false, cancellationToken);

    /// <param name="lowercaseName">The lowercase name of a request path.</param>
    /// <param name="revalidation">
    /// The client sent validators (If-None-Match or If-Modified-Since): it holds a copy and will ask again on its next
    /// build, so the file is one worth keeping in memory (<see cref="IndexFileCache.TryGetAsync"/>).
    /// </param>
    /// <param name="cancellationToken">Cancels the database read.</param>
    public ValueTask<IndexFile?> GetAsync(string lowercaseName, bool revalidation, CancellationToken cancellationToken)
    {
        var canonical = Protocol.Crates.CrateName.Canonicalize(lowercaseName);
        if (cache is null) return RenderAsync(lowercaseName, canonical, revalidation, cancellationToken);
        // A file from memory (every warm request and 304) completes here, without a state machine.
        var cached = cache.TryGetAsync(canonical, revalidation, cancellationToken);
        if (!cached.IsCompletedSuccessfully) return AfterPollAsync(cached, lowercaseName, canonical, revalidation, cancellationToken);
        if (cached.Result is { } file) return new ValueTask<IndexFile?>(SameSpelling(file, lowercaseName));
        return RenderAsync(lowercaseName, canonical, revalidation, cancellationToken);
    }

    private async ValueTask<IndexFile?> AfterPollAsync(ValueTask<IndexFile?> cached, string lowercaseName, string canonical, bool revalidation, CancellationToken cancellationToken) =>
        await cached is { } file ? SameSpelling(file, lowercaseName) : await RenderAsync(lowercaseName, canonical, revalidation, cancellationToken);

    private async ValueTask<IndexFile?> RenderAsync(string lowercaseName, string canonical, bool revalidation, CancellationToken cancellationToken)
    {
        var version = cache?.Version ?? 0;
        var source = await crates.GetIndexSourceAsync(canonical, cancellationToken);
        if (source is null || source.Lines.Count == 0) return null;
        var text = new StringBuilder();
        foreach (var line in source.Lines) text.Append(IndexLineWriter.WithYanked(line.IndexJson, line.Yanked)).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var file = new IndexFile(bytes, ETagOf(bytes), TruncateToSeconds(source.UpdatedAt)) { Name = source.Name };
        cache?.Store(canonical, file, source.UpdatedAt, version, keep: revalidation);
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

    /// <summary>Called by this node's writers after a change to a crate's versions has committed (or may have).</summary>
    public void Invalidate(string canonicalName) => cache?.Invalidate(canonicalName);

    /// <summary>A strong validator: a hash of the exact bytes, so two nodes rendering the same rows agree.</summary>
    public static string ETagOf(ReadOnlySpan<byte> bytes) => $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16))}\"";

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
