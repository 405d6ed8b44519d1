using Dapper;
using GhostCrate.Core.Proxy;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Proxy;

internal sealed class UpstreamStatusRepository(IDbConnectionFactory factory) : IUpstreamStatusRepository
{
    private const string Columns = """
        index_hits AS IndexHits, index_misses AS IndexMisses, revalidations AS Revalidations, not_modified AS NotModified,
        stale_served AS StaleServed, crate_hits AS CrateHits, crate_misses AS CrateMisses, checksum_mismatches AS ChecksumMismatches,
        errors AS Errors, last_success_at AS LastSuccessAt, last_error_at AS LastErrorAt, last_error AS LastError
        """;

    public Task<UpstreamCounters> GetAsync(string upstream, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<CountersRow>(new CommandDefinition(
                $"SELECT {Columns} FROM proxy_upstreams WHERE upstream = @upstream",
                new { upstream }, cancellationToken: cancellationToken));
            return row?.ToCounters() ?? UpstreamCounters.Zero;
        }, cancellationToken);

    /// <summary>
    /// One upsert adding the delta. Both providers evaluate every SET expression on the old row, so the timestamp
    /// comparisons and the matching last_error see consistent values; the latest timestamp wins.
    /// </summary>
    public Task AddAsync(string upstream, UpstreamCounters delta, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO proxy_upstreams (upstream, index_hits, index_misses, revalidations, not_modified, stale_served, crate_hits,
                                         crate_misses, checksum_mismatches, errors, last_success_at, last_error_at, last_error)
            VALUES (@upstream, @IndexHits, @IndexMisses, @Revalidations, @NotModified, @StaleServed, @CrateHits,
                    @CrateMisses, @ChecksumMismatches, @Errors, @LastSuccessAt, @LastErrorAt, @LastError)
            ON CONFLICT (upstream) DO UPDATE SET
                index_hits = proxy_upstreams.index_hits + excluded.index_hits,
                index_misses = proxy_upstreams.index_misses + excluded.index_misses,
                revalidations = proxy_upstreams.revalidations + excluded.revalidations,
                not_modified = proxy_upstreams.not_modified + excluded.not_modified,
                stale_served = proxy_upstreams.stale_served + excluded.stale_served,
                crate_hits = proxy_upstreams.crate_hits + excluded.crate_hits,
                crate_misses = proxy_upstreams.crate_misses + excluded.crate_misses,
                checksum_mismatches = proxy_upstreams.checksum_mismatches + excluded.checksum_mismatches,
                errors = proxy_upstreams.errors + excluded.errors,
                last_success_at = CASE
                    WHEN excluded.last_success_at IS NOT NULL AND (proxy_upstreams.last_success_at IS NULL OR excluded.last_success_at > proxy_upstreams.last_success_at)
                    THEN excluded.last_success_at ELSE proxy_upstreams.last_success_at END,
                last_error = CASE
                    WHEN excluded.last_error_at IS NOT NULL AND (proxy_upstreams.last_error_at IS NULL OR excluded.last_error_at >= proxy_upstreams.last_error_at)
                    THEN excluded.last_error ELSE proxy_upstreams.last_error END,
                last_error_at = CASE
                    WHEN excluded.last_error_at IS NOT NULL AND (proxy_upstreams.last_error_at IS NULL OR excluded.last_error_at > proxy_upstreams.last_error_at)
                    THEN excluded.last_error_at ELSE proxy_upstreams.last_error_at END
            """,
            new
            {
                upstream,
                delta.IndexHits,
                delta.IndexMisses,
                delta.Revalidations,
                delta.NotModified,
                delta.StaleServed,
                delta.CrateHits,
                delta.CrateMisses,
                delta.ChecksumMismatches,
                delta.Errors,
                LastSuccessAt = UnixTime.ToMs(delta.LastSuccessAt),
                LastErrorAt = UnixTime.ToMs(delta.LastErrorAt),
                delta.LastError,
            }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    private sealed class CountersRow
    {
        public long IndexHits { get; set; }
        public long IndexMisses { get; set; }
        public long Revalidations { get; set; }
        public long NotModified { get; set; }
        public long StaleServed { get; set; }
        public long CrateHits { get; set; }
        public long CrateMisses { get; set; }
        public long ChecksumMismatches { get; set; }
        public long Errors { get; set; }
        public long? LastSuccessAt { get; set; }
        public long? LastErrorAt { get; set; }
        public string? LastError { get; set; }

        public UpstreamCounters ToCounters() => new()
        {
            IndexHits = IndexHits,
            IndexMisses = IndexMisses,
            Revalidations = Revalidations,
            NotModified = NotModified,
            StaleServed = StaleServed,
            CrateHits = CrateHits,
            CrateMisses = CrateMisses,
            ChecksumMismatches = ChecksumMismatches,
            Errors = Errors,
            LastSuccessAt = UnixTime.FromMs(LastSuccessAt),
            LastErrorAt = UnixTime.FromMs(LastErrorAt),
            LastError = LastError,
        };
    }
}
