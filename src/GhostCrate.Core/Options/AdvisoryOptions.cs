using GhostCrate.Core.Advisories;
using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.Options;

/// <summary>
/// Section Advisories: the RustSec database sync the server runs itself (docs/security.md "Keeping advisories
/// current"). Off unless <see cref="SyncFrom"/> is set; `ghostcrate advisories sync` works either way.
/// </summary>
public sealed class AdvisoryOptions
{
    public const string Section = "Advisories";

    /// <summary>
    /// Where the server reads the database from: a directory (a checkout of rustsec/advisory-db, kept current by
    /// whatever carries it into an air gap), a .tar/.tar.gz of one, or a git URL (https://, ssh://, git://, file://)
    /// that the job clones (shallow) on every run. Set by the operator, never by a request.
    /// </summary>
    public string? SyncFrom { get; set; }

    /// <summary>When the sync runs: a five-field cron expression in <see cref="TimeZone"/>; every day at 03:30 by default.</summary>
    public string Schedule { get; set; } = "30 3 * * *";

    /// <summary>The time zone <see cref="Schedule"/> is read in (an IANA name).</summary>
    public string TimeZone { get; set; } = "UTC";

    public bool Enabled => !string.IsNullOrWhiteSpace(SyncFrom);

    public CronSchedule ParsedSchedule() => CronSchedule.Parse(Schedule.Trim(), TimeZone);

    public static IEnumerable<string> Validate(AdvisoryOptions options)
    {
        if (!options.Enabled) yield break;
        var from = options.SyncFrom!.Trim();
        if (!AdvisorySource.IsGitUrl(from) && !Path.IsPathFullyQualified(from))
            yield return $"{Section}:SyncFrom must be an absolute path to a directory or tarball, or a git URL (https://, ssh://, git://, file://); got '{from}'";
        if (!CronSchedule.TryParse(options.Schedule.Trim(), options.TimeZone, out _, out var error))
            yield return $"{Section}:Schedule / {Section}:TimeZone: {error}";
    }
}
