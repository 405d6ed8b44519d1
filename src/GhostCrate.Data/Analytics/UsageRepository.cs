using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using GhostCrate.Core.Analytics;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Analytics;

internal sealed class UsageRepository(IDbConnectionFactory factory) : IUsageRepository
{
    private const long MsPerDay = 86_400_000;

    /// <summary>
    /// Sightings per statement: the first flush of a day may carry every user and token of a large registry, and each
    /// chunk's JSON (about 45 characters a sighting) stays under the runtime's large-object threshold, as the download
    /// counts' chunks do (DownloadStatsRepository.MaxChunkChars).
    /// </summary>
    internal const int SightingsPerChunk = 500;

    /// <summary>
    /// Set-based statements over the batch passed as JSON parameters, all in one transaction. Rows are
    /// written in key order, so two nodes flushing the same days at once wait for each other on PostgreSQL instead of
    /// deadlocking. `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to the SELECT.
    /// </summary>
    public Task AddAsync(IReadOnlyCollection<UsageIncrement> counts, IReadOnlyCollection<ActorSighting> sightings, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            if (counts.Count > 0)
            {
                var batch = JsonSerializer.Serialize(counts.Select(c => new CountRow { Day = UnixDays.From(c.Day), Kind = c.Kind, Source = c.Source, N = c.Count }));
                var rows = factory.JsonRows("batch", ("day", "integer"), ("kind", "text"), ("source", "text"), ("n", "bigint"));
                await connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    INSERT INTO usage_daily (day, kind, source, n)
                    SELECT i.day, i.kind, i.source, SUM(i.n) FROM {rows} i WHERE true
                    GROUP BY i.day, i.kind, i.source ORDER BY i.day, i.kind, i.source
                    ON CONFLICT (day, kind, source) DO UPDATE SET n = usage_daily.n + excluded.n
                    """, new { batch }, transaction, cancellationToken: cancellationToken));
            }
            // Chunks in one global key order (the order of each statement's ORDER BY), for the same reason.
            var ordered = sightings.OrderBy(s => s.Day).ThenBy(s => KindName(s.Kind), StringComparer.Ordinal).ThenBy(s => s.Id);
            foreach (var chunk in ordered.Chunk(SightingsPerChunk))
            {
                var batch = JsonSerializer.Serialize(chunk.Select(s => new SightingRow { Day = UnixDays.From(s.Day), Kind = KindName(s.Kind), ActorId = s.Id }));
                var rows = factory.JsonRows("batch", ("day", "integer"), ("kind", "text"), ("actor_id", "bigint"));
                await connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    INSERT INTO usage_daily_actors (day, kind, actor_id)
                    SELECT DISTINCT i.day, i.kind, i.actor_id FROM {rows} i WHERE true
                    ORDER BY i.day, i.kind, i.actor_id
                    ON CONFLICT (day, kind, actor_id) DO NOTHING
                    """, new { batch }, transaction, cancellationToken: cancellationToken));
            }
            return 0;
        }, cancellationToken);

    public Task<UsageFigures> ReadAsync(DateOnly from, DateOnly to, int topCrates, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var range = new { from = UnixDays.From(from), to = UnixDays.From(to), fromMs = UnixDays.From(from) * MsPerDay, endMs = (UnixDays.From(to) + 1) * MsPerDay, limit = topCrates };
            Task<List<T>> QueryAsync<T>(string sql) => ListAsync<T>(connection, sql, range, cancellationToken);

            var counts = await QueryAsync<CountRow>("SELECT day, kind, source, n FROM usage_daily WHERE day >= @from AND day <= @to ORDER BY day, kind, source");
            var privateDownloads = await QueryAsync<DayRow>(
                "SELECT day AS Day, CAST(SUM(downloads) AS bigint) AS Count, 0 AS Bytes FROM version_downloads WHERE day >= @from AND day <= @to GROUP BY day ORDER BY day");
            var actives = await QueryAsync<ActiveRow>(
                "SELECT day AS Day, kind AS Kind, count(*) AS Count FROM usage_daily_actors WHERE day >= @from AND day <= @to GROUP BY day, kind ORDER BY day, kind");
            var distinct = await QueryAsync<ActiveRow>(
                "SELECT 0 AS Day, kind AS Kind, count(DISTINCT actor_id) AS Count FROM usage_daily_actors WHERE day >= @from AND day <= @to GROUP BY kind");
            // Versions are never deleted (a yank keeps the file), so their sizes by creation day are the storage's growth.
            var publishes = await QueryAsync<DayRow>(
                $"""
                SELECT created_at / {MsPerDay} AS Day, count(*) AS Count, CAST(SUM(size) AS bigint) AS Bytes FROM versions
                WHERE created_at >= @fromMs AND created_at < @endMs GROUP BY created_at / {MsPerDay} ORDER BY 1
                """);
            var privateBefore = await ScalarAsync(connection, "SELECT CAST(COALESCE(SUM(size), 0) AS bigint) FROM versions WHERE created_at < @fromMs", range, cancellationToken);
            var cached = await QueryAsync<DayRow>(
                $"""
                SELECT stored_at / {MsPerDay} AS Day, count(*) AS Count, CAST(SUM(size) AS bigint) AS Bytes FROM proxy_crate_files
                WHERE stored_at >= @fromMs AND stored_at < @endMs GROUP BY stored_at / {MsPerDay} ORDER BY 1
                """);
            var proxyBefore = await ScalarAsync(connection, "SELECT CAST(COALESCE(SUM(size), 0) AS bigint) FROM proxy_crate_files WHERE stored_at < @fromMs", range, cancellationToken);
            var top = await QueryAsync<TopRow>(
                """
                SELECT c.name AS Crate, CAST(SUM(d.downloads) AS bigint) AS Downloads
                FROM version_downloads d JOIN versions v ON v.id = d.version_id JOIN crates c ON c.id = v.crate_id
                WHERE d.day >= @from AND d.day <= @to
                GROUP BY c.id, c.name, c.canonical_name ORDER BY SUM(d.downloads) DESC, c.canonical_name LIMIT @limit
                """);

            List<DayCount> ActiveOf(ActorKind kind) => actives.Where(a => a.Kind == KindName(kind)).Select(a => new DayCount(UnixDays.ToDate(a.Day), a.Count)).ToList();
            long DistinctOf(ActorKind kind) => distinct.FirstOrDefault(a => a.Kind == KindName(kind))?.Count ?? 0;
            return new UsageFigures(
                counts.Select(c => new UsageIncrement(UnixDays.ToDate(c.Day), c.Kind, c.Source, c.N)).ToList(),
                privateDownloads.Select(d => new DayCount(UnixDays.ToDate(d.Day), d.Count)).ToList(),
                ActiveOf(ActorKind.User),
                ActiveOf(ActorKind.Token),
                DistinctOf(ActorKind.User),
                DistinctOf(ActorKind.Token),
                publishes.Select(d => new DayBytes(UnixDays.ToDate(d.Day), d.Count, d.Bytes)).ToList(),
                privateBefore,
                cached.Select(d => new DayBytes(UnixDays.ToDate(d.Day), d.Count, d.Bytes)).ToList(),
                proxyBefore,
                top.Select(t => new CrateDownloadTotal(t.Crate, t.Downloads)).ToList());
        }, cancellationToken);

    private static async Task<List<T>> ListAsync<T>(DbConnection connection, string sql, object parameters, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, object parameters, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));

    private static string KindName(ActorKind kind) => kind switch
    {
        ActorKind.User => "user",
        ActorKind.Token => "token",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // The JSON names are what the batch statements read; Dapper matches the read columns to the members case-insensitively.
    private sealed class CountRow
    {
        [JsonPropertyName("day")] public long Day { get; set; }
        [JsonPropertyName("kind")] public string Kind { get; set; } = "";
        [JsonPropertyName("source")] public string Source { get; set; } = "";
        [JsonPropertyName("n")] public long N { get; set; }
    }

    private sealed class SightingRow
    {
        [JsonPropertyName("day")] public long Day { get; set; }
        [JsonPropertyName("kind")] public string Kind { get; set; } = "";
        [JsonPropertyName("actor_id")] public long ActorId { get; set; }
    }

    private sealed class DayRow
    {
        public long Day { get; set; }
        public long Count { get; set; }
        public long Bytes { get; set; }
    }

    private sealed class ActiveRow
    {
        public long Day { get; set; }
        public string Kind { get; set; } = "";
        public long Count { get; set; }
    }

    private sealed class TopRow
    {
        public string Crate { get; set; } = "";
        public long Downloads { get; set; }
    }
}
