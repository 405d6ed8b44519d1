using System.Globalization;
using System.Text;
using Dapper;
using GhostCrate.Core.Downloads;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Downloads;

internal sealed class DownloadStatsRepository(IDbConnectionFactory factory) : IDownloadStatsRepository
{
    // Bounds one transaction (and the rows it locks on PostgreSQL); a flush rarely holds more distinct versions.
    private const int ChunkSize = 5000;

    public async Task<long> AddAsync(IReadOnlyCollection<DownloadIncrement> increments, CancellationToken cancellationToken)
    {
        long stored = 0;
        foreach (var chunk in increments.GroupBy(i => i.VersionId).Chunk(ChunkSize))
        {
            stored += await AddChunkAsync(chunk.SelectMany(g => g).ToList(), cancellationToken);
        }
        return stored;
    }

    /// <summary>
    /// One transaction of a few set-based statements over the whole chunk, passed as one JSON parameter: a flush under
    /// heavy download load holds thousands of versions, and a statement per version (as before) cost more CPU than the
    /// downloads it counted (bench/README.md).
    /// </summary>
    private Task<long> AddChunkAsync(IReadOnlyList<DownloadIncrement> increments, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var batch = ToJson(increments);
            var rows = factory.JsonRows("batch", ("version_id", "bigint"), ("day", "integer"), ("n", "bigint"));
            // Unknown versions (deleted meanwhile, or never ours) are skipped by every statement's join.
            var stored = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                $"SELECT SUM(i.n) FROM {rows} i JOIN versions v ON v.id = i.version_id", new { batch }, transaction, cancellationToken: cancellationToken)) ?? 0;
            if (stored == 0) return 0L;

            // Crate rows, then version rows, each locked in id order: the lock order of publish and yank, so a flush and
            // a publish of the same crate wait for each other instead of deadlocking (no-ops on SQLite, which locks the
            // whole database for a write transaction).
            if (factory.LockRowsSuffix.Length > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"SELECT id FROM crates WHERE id IN (SELECT v.crate_id FROM {rows} i JOIN versions v ON v.id = i.version_id) ORDER BY id{factory.LockRowsSuffix}",
                    new { batch }, transaction, cancellationToken: cancellationToken));
            }
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE crates SET downloads = crates.downloads + t.n
                FROM (SELECT v.crate_id AS id, SUM(i.n) AS n FROM {rows} i JOIN versions v ON v.id = i.version_id GROUP BY v.crate_id) t
                WHERE crates.id = t.id
                """, new { batch }, transaction, cancellationToken: cancellationToken));
            if (factory.LockRowsSuffix.Length > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"SELECT id FROM versions WHERE id IN (SELECT i.version_id FROM {rows} i) ORDER BY id{factory.LockRowsSuffix}",
                    new { batch }, transaction, cancellationToken: cancellationToken));
            }
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE versions SET downloads = versions.downloads + t.n
                FROM (SELECT i.version_id AS id, SUM(i.n) AS n FROM {rows} i GROUP BY i.version_id) t
                WHERE versions.id = t.id
                """, new { batch }, transaction, cancellationToken: cancellationToken));
            // Additive upsert: any number of nodes may flush counts for the same version and day. `WHERE true` tells
            // SQLite's parser that ON CONFLICT belongs to the INSERT, not to the SELECT's join.
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO version_downloads (version_id, day, downloads)
                SELECT i.version_id, i.day, SUM(i.n) FROM {rows} i JOIN versions v ON v.id = i.version_id WHERE true
                GROUP BY i.version_id, i.day ORDER BY i.version_id, i.day
                ON CONFLICT (version_id, day) DO UPDATE SET downloads = version_downloads.downloads + excluded.downloads
                """, new { batch }, transaction, cancellationToken: cancellationToken));
            return stored;
        }, cancellationToken);

    private static string ToJson(IReadOnlyList<DownloadIncrement> increments)
    {
        var json = new StringBuilder(increments.Count * 48).Append('[');
        foreach (var increment in increments)
        {
            if (json.Length > 1) json.Append(',');
            json.Append(CultureInfo.InvariantCulture, $"{{\"version_id\":{increment.VersionId},\"day\":{ToDay(increment.Day)},\"n\":{increment.Count}}}");
        }
        return json.Append(']').ToString();
    }

    public Task<IReadOnlyList<DailyVersionDownloads>> ListDailyAsync(long crateId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<DailyVersionDownloads>>(async connection =>
        {
            var rows = await connection.QueryAsync<DayRow>(new CommandDefinition(
                """
                SELECT d.version_id AS VersionId, v.num AS Version, d.day AS Day, d.downloads AS Downloads
                FROM version_downloads d JOIN versions v ON v.id = d.version_id
                WHERE v.crate_id = @crateId AND d.day >= @from AND d.day <= @to
                ORDER BY d.day, d.version_id
                """,
                new { crateId, from = ToDay(from), to = ToDay(to) }, cancellationToken: cancellationToken));
            return rows.Select(r => new DailyVersionDownloads(r.VersionId, r.Version, FromDay(r.Day), r.Downloads)).ToList();
        }, cancellationToken);

    private static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    private static int ToDay(DateOnly day) => day.DayNumber - Epoch;

    private static DateOnly FromDay(long day) => DateOnly.FromDayNumber((int)day + Epoch);

    private sealed class DayRow
    {
        public long VersionId { get; set; }
        public string Version { get; set; } = "";
        public long Day { get; set; }
        public long Downloads { get; set; }
    }
}
