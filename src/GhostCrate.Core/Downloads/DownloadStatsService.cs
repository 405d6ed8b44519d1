using GhostCrate.Core.Crates;

namespace GhostCrate.Core.Downloads;

/// <summary>Downloads per day of a crate (and of each of its versions) for the chart and the JSON API.</summary>
public sealed class DownloadStatsService(ICrateRepository crates, IDownloadStatsRepository stats, CrateAccess access, TimeProvider time)
{
    public const int DefaultDays = 90;
    public const int MaxDays = 366;

    /// <summary>The last <paramref name="days"/> UTC days up to today, or null for an unknown crate (or version) or one hidden from <paramref name="viewer"/>.</summary>
    public async Task<CrateDownloadStats?> GetAsync(string name, string? version, int days, Identity.Principal? viewer, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(Protocol.Crates.CrateName.Canonicalize(name), cancellationToken);
        if (crate is null || !await access.CanReadAsync(crate, viewer, cancellationToken)) return null;
        long? versionId = null;
        if (version is not null)
        {
            var row = await crates.FindVersionAsync(crate.CanonicalName, version, cancellationToken);
            if (row is null) return null;
            versionId = row.Id;
        }
        var to = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - Math.Clamp(days, 1, MaxDays));
        var rows = (await stats.ListDailyAsync(crate.Id, from, to, cancellationToken))
            .Where(r => versionId is null || r.VersionId == versionId)
            .OrderBy(r => r.Day).ThenBy(r => r.VersionId)
            .ToList();
        var byDay = rows.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Downloads));
        var totals = new List<DailyDownloads>();
        for (var day = from; day <= to; day = day.AddDays(1)) totals.Add(new DailyDownloads(day, byDay.GetValueOrDefault(day)));
        return new CrateDownloadStats(crate.Name, from, to, rows, totals);
    }
}

/// <summary><see cref="Totals"/> has one entry per day of the range (zero when nothing was downloaded).</summary>
public sealed record CrateDownloadStats(
    string Crate,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<DailyVersionDownloads> Versions,
    IReadOnlyList<DailyDownloads> Totals);

public sealed record DailyDownloads(DateOnly Day, long Downloads);
