using System.Globalization;

namespace GhostCrate.Core.Backup;

/// <summary>
/// Which backups to keep: the newest <see cref="Last"/>, plus the newest backup of each of the last
/// <see cref="Daily"/> days, <see cref="Weekly"/> ISO weeks and <see cref="Monthly"/> months that have one
/// (grandfather-father-son, the same rule as restic's `forget --keep-daily/--keep-weekly/--keep-monthly`:
/// https://restic.readthedocs.io/en/stable/060_forget.html). Days, weeks and months are UTC calendar periods of the
/// backup's start time. A backup kept by several rules counts for each of them.
/// </summary>
public sealed record BackupRetention(int Last = 0, int Daily = 0, int Weekly = 0, int Monthly = 0)
{
    public bool KeepsAnything => Last > 0 || Daily > 0 || Weekly > 0 || Monthly > 0;

    /// <summary>Null when the policy is usable; otherwise what is wrong (for a CLI or settings message).</summary>
    public string? Problem =>
        Last < 0 || Daily < 0 || Weekly < 0 || Monthly < 0 ? "retention counts must not be negative"
        : !KeepsAnything ? "keep at least one backup: set --keep, --keep-daily, --keep-weekly or --keep-monthly to 1 or more"
        : null;

    /// <summary>The ids to keep among complete backups (id, start time), newest first.</summary>
    public IReadOnlyList<string> Select(IEnumerable<(string Id, DateTimeOffset CreatedAt)> backups)
    {
        var newestFirst = backups
            .OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id, StringComparer.Ordinal)
            .ToList();
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var backup in newestFirst.Take(Last)) kept.Add(backup.Id);
        KeepNewestPerPeriod(newestFirst, Daily, at => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), kept);
        KeepNewestPerPeriod(newestFirst, Weekly, at => $"{ISOWeek.GetYear(at)}-W{ISOWeek.GetWeekOfYear(at)}", kept);
        KeepNewestPerPeriod(newestFirst, Monthly, at => at.ToString("yyyy-MM", CultureInfo.InvariantCulture), kept);
        return newestFirst.Where(b => kept.Contains(b.Id)).Select(b => b.Id).ToList();
    }

    private static void KeepNewestPerPeriod(List<(string Id, DateTimeOffset CreatedAt)> newestFirst, int periods, Func<DateTime, string> period, HashSet<string> kept)
    {
        if (periods <= 0) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var backup in newestFirst)
        {
            // The first backup met in a period is that period's newest.
            if (seen.Add(period(backup.CreatedAt.UtcDateTime))) kept.Add(backup.Id);
            if (seen.Count == periods) break;
        }
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Last > 0) parts.Add($"the newest {Last}");
        if (Daily > 0) parts.Add($"{Daily} daily");
        if (Weekly > 0) parts.Add($"{Weekly} weekly");
        if (Monthly > 0) parts.Add($"{Monthly} monthly");
        return parts.Count == 0 ? "every backup" : string.Join(", ", parts);
    }
}
