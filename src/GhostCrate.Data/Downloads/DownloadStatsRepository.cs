using Dapper;
using GhostCrate.Core.Downloads;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Downloads;

internal sealed class DownloadStatsRepository(IDbConnectionFactory factory) : IDownloadStatsRepository
{
    // Keeps each IN list and transaction small; a flush rarely holds more distinct versions than this.
    private const int ChunkSize = 500;

    public async Task<long> AddAsync(IReadOnlyCollection<DownloadIncrement> increments, CancellationToken cancellationToken)
    {
        long stored = 0;
        foreach (var chunk in increments.GroupBy(i => i.VersionId).Chunk(ChunkSize))
        {
            stored += await AddChunkAsync(chunk.SelectMany(g => g).ToList(), cancellationToken);
        }
        return stored;
    }

    private Task<long> AddChunkAsync(IReadOnlyList<DownloadIncrement> increments, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var versionIds = increments.Select(i => i.VersionId).Distinct().ToList();
            var crateOf = (await connection.QueryAsync<(long VersionId, long CrateId)>(new CommandDefinition(
                    $"SELECT id AS VersionId, crate_id AS CrateId FROM versions WHERE id {factory.InList("versionIds")}",
                    new { versionIds }, transaction, cancellationToken: cancellationToken)))
                .ToDictionary(r => r.VersionId, r => r.CrateId);
            var known = increments.Where(i => crateOf.ContainsKey(i.VersionId)).ToList();
            if (known.Count == 0) return 0L;

            // Crate rows, then version rows, each in id order: the lock order of publish and yank, so a flush and a
            // publish of the same crate wait for each other instead of deadlocking.
            var perCrate = known.GroupBy(i => crateOf[i.VersionId]).OrderBy(g => g.Key)
                .Select(g => new { id = g.Key, n = g.Sum(i => i.Count) }).ToList();
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE crates SET downloads = downloads + @n WHERE id = @id", perCrate, transaction, cancellationToken: cancellationToken));
            var perVersion = known.GroupBy(i => i.VersionId).OrderBy(g => g.Key)
                .Select(g => new { id = g.Key, n = g.Sum(i => i.Count) }).ToList();
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE versions SET downloads = downloads + @n WHERE id = @id", perVersion, transaction, cancellationToken: cancellationToken));
            var perDay = known.OrderBy(i => i.VersionId).ThenBy(i => i.Day)
                .Select(i => new { versionId = i.VersionId, day = ToDay(i.Day), n = i.Count }).ToList();
            // Additive upsert: any number of nodes may flush counts for the same version and day.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO version_downloads (version_id, day, downloads) VALUES (@versionId, @day, @n)
                ON CONFLICT (version_id, day) DO UPDATE SET downloads = version_downloads.downloads + excluded.downloads
                """, perDay, transaction, cancellationToken: cancellationToken));
            return known.Sum(i => i.Count);
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
