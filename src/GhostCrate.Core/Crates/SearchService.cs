namespace GhostCrate.Core.Crates;

/// <summary>`cargo search` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#search).</summary>
public sealed class SearchService(ICrateRepository crates)
{
    public const int DefaultPerPage = 10;
    public const int MaxPerPage = 100;
    private const int MaxQueryLength = 200;

    public Task<CrateSearchPage> SearchAsync(string? query, int? perPage, int? page, CancellationToken cancellationToken)
    {
        var q = (query ?? "").Trim();
        if (q.Length > MaxQueryLength) q = q[..MaxQueryLength];
        var size = Math.Clamp(perPage ?? DefaultPerPage, 1, MaxPerPage);
        var offset = (Math.Max(page ?? 1, 1) - 1) * size;
        return crates.SearchAsync(q.ToLowerInvariant(), offset, size, cancellationToken);
    }
}
