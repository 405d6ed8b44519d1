using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using GhostCrate.Core.Downloads;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Downloads;

internal sealed class DownloadStatsRepository(IDbConnectionFactory factory) : IDownloadStatsRepository
{
    /// <summary>
    /// One chunk's JSON stays under this many characters (and its UTF-8 copy, bound once per statement, under as many
    /// bytes): both under the runtime's large-object threshold of 85,000 bytes. Large objects are only collected with
    /// the oldest generation and their free space is never compacted: at 100k crates, chunks of 5,000 versions (as
    /// before) allocated ~1.6 MB of them per chunk, several chunks a second under download load, and left ~20 MB of
    /// the large-object heap empty but committed (bench/README.md). About 750 versions.
    /// </summary>
    internal const int MaxChunkChars = 30_000;

    /// <summary>
    /// Every chunk in one transaction, as the port promises: a failure stores nothing, so the counter's retry of the
    /// whole batch counts nothing twice. (On PostgreSQL, two nodes flushing several chunks each at once may lock their
    /// crates in opposite orders; the database then aborts one of them, whose counts are kept for its next flush.)
    /// </summary>
    public Task<long> AddAsync(IReadOnlyCollection<DownloadIncrement> increments, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            long stored = 0;
            foreach (var batch in JsonChunks(increments)) stored += await AddChunkAsync(connection, transaction, batch, cancellationToken);
            return stored;
        }, cancellationToken);

    /// <summary>
    /// The increments as JSON arrays of at most about <see cref="MaxChunkChars"/> characters, a version's increments
    /// (one per day) always in the same chunk. A version with so many days pending that they alone pass the limit
    /// (a flush that kept failing for weeks) makes a longer chunk rather than a split one.
    /// </summary>
    internal static IEnumerable<string> JsonChunks(IReadOnlyCollection<DownloadIncrement> increments)
    {
        // The download counter hands them over ordered by version; anything else is ordered here.
        var ordered = IsOrderedByVersion(increments) ? increments : increments.OrderBy(i => i.VersionId).ToList();
        var json = new StringBuilder(MaxChunkChars + 256);
        long? version = null;
        foreach (var increment in ordered)
        {
            // The longest element is about 70 characters: close the chunk before a new version once that may not fit.
            if (increment.VersionId != version && json.Length > MaxChunkChars - 128)
            {
                yield return json.Append(']').ToString();
                json.Clear();
            }
            version = increment.VersionId;
            json.Append(json.Length == 0 ? '[' : ',');
            json.Append(CultureInfo.InvariantCulture, $"{{\"version_id\":{increment.VersionId},\"day\":{ToDay(increment.Day)},\"n\":{increment.Count}}}");
        }
        if (json.Length > 0) yield return json.Append(']').ToString();
    }

    private static bool IsOrderedByVersion(IReadOnlyCollection<DownloadIncrement> increments)
    {
        long previous = long.MinValue;
        foreach (var increment in increments)
        {
            if (increment.VersionId < previous) return false;
            previous = increment.VersionId;
        }
        return true;
    }

    /// <summary>
    /// A few set-based statements over the whole chunk, passed as one JSON parameter: a flush under heavy download load
    /// holds thousands of versions, and a statement per version (as before) cost more CPU than the downloads it
    /// counted (bench/README.md).
    /// </summary>
    private async Task<long> AddChunkAsync(DbConnection connection, DbTransaction transaction, string batch, CancellationToken cancellationToken)
    {
        var rows = factory.JsonRows("batch", ("version_id", "bigint"), ("day", "integer"), ("n", "bigint"));
        // Unknown versions (deleted meanwhile, or never ours) are skipped by every statement's join.
        var stored = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT SUM(i.n) FROM {rows} i JOIN versions v ON v.id = i.version_id", new { batch }, transaction, cancellationToken: cancellationToken)) ?? 0;
        if (stored == 0) return 0;

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
