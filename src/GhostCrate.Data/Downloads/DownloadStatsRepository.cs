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
    /// the large-object heap empty but committed (bench/README.md). About 750 increments.
    /// </summary>
    internal const int MaxChunkChars = 30_000;

    /// <summary>The recent window's first day; no row yet (a new database) means day 0, so every day counts.</summary>
    internal const string RecentSince = "coalesce((SELECT since_day FROM recent_downloads_window WHERE id = 1), 0)";

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
    /// The increments as JSON arrays of at most <see cref="MaxChunkChars"/> characters. Each chunk's statements add up
    /// on their own and all run in one transaction, so where a chunk ends does not matter (a version's days may fall
    /// in two chunks).
    /// </summary>
    internal static IEnumerable<string> JsonChunks(IEnumerable<DownloadIncrement> increments)
    {
        var json = new StringBuilder(MaxChunkChars);
        foreach (var increment in increments)
        {
            // An element is under 80 characters (two 64-bit numbers, a day and the names): end the chunk while one still fits.
            if (json.Length > MaxChunkChars - 128)
            {
                yield return json.Append(']').ToString();
                json.Clear();
            }
            json.Append(json.Length == 0 ? '[' : ',');
            json.Append(CultureInfo.InvariantCulture, $"{{\"version_id\":{increment.VersionId},\"day\":{ToDay(increment.Day)},\"n\":{increment.Count}}}");
        }
        if (json.Length > 0) yield return json.Append(']').ToString();
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
        async Task LockInIdOrderAsync(string table, string ids)
        {
            if (factory.LockRowsSuffix.Length == 0) return;
            await connection.ExecuteAsync(new CommandDefinition(
                $"SELECT id FROM {table} WHERE id IN ({ids}) ORDER BY id{factory.LockRowsSuffix}", new { batch }, transaction, cancellationToken: cancellationToken));
        }
        await LockInIdOrderAsync("crates", $"SELECT v.crate_id FROM {rows} i JOIN versions v ON v.id = i.version_id");
        // Days inside the recent window also count as recent downloads (migration 0031); the window's move subtracts
        // them again when they leave it (MoveRecentWindowAsync).
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE crates SET downloads = crates.downloads + t.n, recent_downloads = crates.recent_downloads + t.r
            FROM (SELECT v.crate_id AS id, SUM(i.n) AS n, SUM(CASE WHEN i.day >= {RecentSince} THEN i.n ELSE 0 END) AS r
                  FROM {rows} i JOIN versions v ON v.id = i.version_id GROUP BY v.crate_id) t
            WHERE crates.id = t.id
            """, new { batch }, transaction, cancellationToken: cancellationToken));
        await LockInIdOrderAsync("versions", $"SELECT i.version_id FROM {rows} i");
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

    /// <summary>
    /// Moves the recent window's first day forward and subtracts, from each crate, the days that left the window: only
    /// those day rows are read (ix_version_downloads_day), so an hourly run costs nothing on most hours. Correct with
    /// flushes running at once on other nodes: a flush adds only days inside the window it reads (today's), and the
    /// days subtracted here are older than any a flush writes. The window row is locked first, so two nodes never
    /// subtract the same days twice.
    /// </summary>
    public Task<bool> MoveRecentWindowAsync(DateOnly since, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT count(*) FROM recent_downloads_window", transaction: transaction, cancellationToken: cancellationToken)) == 0)
            {
                // Nothing downloaded yet: no row, so that an empty database stays empty (a restore's target).
                if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                        "SELECT count(*) FROM (SELECT 1 FROM version_downloads LIMIT 1) d", transaction: transaction, cancellationToken: cancellationToken)) == 0) return false;
                // Day 0: what the flush counted while there was no row. Two nodes may both get here; one insert wins.
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO recent_downloads_window (id, since_day) VALUES (1, 0) ON CONFLICT (id) DO NOTHING", transaction: transaction, cancellationToken: cancellationToken));
            }
            var old = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT since_day FROM recent_downloads_window WHERE id = 1{factory.LockRowsSuffix}", transaction: transaction, cancellationToken: cancellationToken));
            var first = ToDay(since);
            if (first <= old) return false;
            const string leaving = """
                SELECT v.crate_id AS id, SUM(d.downloads) AS n FROM version_downloads d JOIN versions v ON v.id = d.version_id
                WHERE d.day >= @old AND d.day < @first GROUP BY v.crate_id
                """;
            // The flush's lock order (crates by id) so that the two wait for each other instead of deadlocking.
            if (factory.LockRowsSuffix.Length > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"SELECT id FROM crates WHERE id IN (SELECT id FROM ({leaving}) l) ORDER BY id{factory.LockRowsSuffix}",
                    new { old, first }, transaction, cancellationToken: cancellationToken));
            }
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE crates SET recent_downloads = crates.recent_downloads - t.n FROM ({leaving}) t WHERE crates.id = t.id",
                new { old, first }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE recent_downloads_window SET since_day = @first WHERE id = 1", new { first }, transaction, cancellationToken: cancellationToken));
            return true;
        }, cancellationToken);

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

    private static int ToDay(DateOnly day) => UnixDays.From(day);

    private static DateOnly FromDay(long day) => UnixDays.ToDate(day);

    private sealed class DayRow
    {
        public long VersionId { get; set; }
        public string Version { get; set; } = "";
        public long Day { get; set; }
        public long Downloads { get; set; }
    }
}
