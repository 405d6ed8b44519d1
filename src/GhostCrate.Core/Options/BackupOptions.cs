using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.Options;

/// <summary>
/// Section Backup: scheduled backups run by the server's job queue (docs/backup-and-restore.md, "Scheduled backups").
/// Off unless <see cref="Schedule"/> is set.
/// </summary>
public sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>A five-field cron expression, e.g. "0 3 * * *" for 03:00 every day; empty: no scheduled backups.</summary>
    public string? Schedule { get; set; }

    /// <summary>The time zone <see cref="Schedule"/> is read in (an IANA name).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Where scheduled and "back up now" backups go: a directory, or s3://bucket/prefix.</summary>
    public string? Target { get; set; }

    /// <summary>
    /// Retention applied after each successful server-run backup: keep the newest <see cref="KeepLast"/> complete
    /// backups at the target, plus the newest of each of the last <see cref="KeepDaily"/> days,
    /// <see cref="KeepWeekly"/> weeks and <see cref="KeepMonthly"/> months. All 0 (the default): keep every backup.
    /// </summary>
    public int KeepLast { get; set; }

    public int KeepDaily { get; set; }

    public int KeepWeekly { get; set; }

    public int KeepMonthly { get; set; }

    /// <summary>
    /// A file with the 32-byte key that encrypts every backup (docs/backup-and-restore.md, "Encryption"); empty: backups
    /// are not encrypted unless <see cref="EncryptionPassphrase"/> is set.
    /// </summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>A passphrase (at least 12 characters; best from GHOSTCRATE_Backup__EncryptionPassphrase) stretched with PBKDF2 into the key.</summary>
    public string? EncryptionPassphrase { get; set; }

    /// <summary>Reference blobs the target's previous backup already holds instead of copying them again (the default).</summary>
    public bool Incremental { get; set; } = true;

    /// <summary>The key every server-run backup is encrypted with, or null (valid after <see cref="Validate"/> passed).</summary>
    public Backup.Encryption.BackupKeySource? KeySource() =>
        !string.IsNullOrWhiteSpace(EncryptionKeyFile) ? Backup.Encryption.BackupKeySource.FromKeyFile(EncryptionKeyFile)
        : !string.IsNullOrEmpty(EncryptionPassphrase) ? Backup.Encryption.BackupKeySource.FromPassphrase(EncryptionPassphrase, $"{Section}:EncryptionPassphrase")
        : null;

    /// <summary>
    /// Also copy the proxy's cached crate files into every server-run backup (like `backup create
    /// --include-proxy-cache`); off by default: the cache refills from upstream, but a restore that must serve without
    /// its upstream (air-gapped, or the upstream gone) needs them.
    /// </summary>
    public bool IncludeProxyCache { get; set; }

    /// <summary>
    /// Also copy the offline mirror (Mirror:Directory) into every server-run backup, like `backup create
    /// --include-mirror`; off by default: a mirror can be large, and on the connected side it can be synced again, but
    /// on the air-gapped side it may have taken days to bring across.
    /// </summary>
    public bool IncludeMirror { get; set; }

    /// <summary>The options of a server-run backup; <paramref name="mirror"/> names the directory <see cref="IncludeMirror"/> copies.</summary>
    public Backup.BackupCreateOptions CreateOptions(MirrorOptions mirror) =>
        new(KeySource(), Incremental, IncludeProxyCache, IncludeMirror ? mirror.Directory : null);

    public Backup.BackupRetention Retention => new(KeepLast, KeepDaily, KeepWeekly, KeepMonthly);

    /// <summary>Whether the server can take backups at all (a target is set).</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(Target);

    /// <summary>The parsed schedule, or null when none is set (valid after <see cref="Validate"/> passed).</summary>
    public CronSchedule? ParsedSchedule() =>
        string.IsNullOrWhiteSpace(Schedule) ? null : CronSchedule.Parse(Schedule.Trim(), TimeZone);

    /// <summary>
    /// Every problem with the settings; <paramref name="proxy"/> and <paramref name="mirror"/> (when given) are checked
    /// against <see cref="IncludeProxyCache"/> and <see cref="IncludeMirror"/>.
    /// </summary>
    public static IEnumerable<string> Validate(BackupOptions options, ProxyOptions? proxy = null, MirrorOptions? mirror = null)
    {
        // Both are mistakes that would otherwise only show as a backup without the cache on the day it is needed.
        if (options.IncludeProxyCache && !options.Configured)
            yield return $"{Section}:IncludeProxyCache applies to the server's backups, which need {Section}:Target (`backup create` takes --include-proxy-cache instead)";
        if (options.IncludeProxyCache && proxy is { Enabled: false })
            yield return $"{Section}:IncludeProxyCache is on but Proxy:Enabled is off: there is no proxy cache to include";
        if (options.IncludeMirror && !options.Configured)
            yield return $"{Section}:IncludeMirror applies to the server's backups, which need {Section}:Target (`backup create` takes --include-mirror instead)";
        if (options.IncludeMirror && mirror is { Enabled: false })
            yield return $"{Section}:IncludeMirror is on but Mirror:Directory is not set: there is no offline mirror to include";
        if (!string.IsNullOrWhiteSpace(options.Schedule))
        {
            if (!CronSchedule.TryParse(options.Schedule.Trim(), options.TimeZone, out _, out var error))
                yield return $"{Section}:Schedule / {Section}:TimeZone: {error}";
            if (!options.Configured)
                yield return $"{Section}:Target is required when {Section}:Schedule is set (a directory or s3://bucket/prefix)";
        }
        if (!string.IsNullOrWhiteSpace(options.EncryptionKeyFile) && !string.IsNullOrEmpty(options.EncryptionPassphrase))
            yield return $"{Section}:EncryptionKeyFile and {Section}:EncryptionPassphrase are alternatives: set one";
        string? keyProblem = null;
        try
        {
            options.KeySource();
        }
        catch (Backup.BackupException ex)
        {
            keyProblem = ex.Message;
        }
        if (keyProblem is not null) yield return $"{Section}:Encryption: {keyProblem}";
        foreach (var (name, value) in new[] { ("KeepLast", options.KeepLast), ("KeepDaily", options.KeepDaily), ("KeepWeekly", options.KeepWeekly), ("KeepMonthly", options.KeepMonthly) })
        {
            if (value < 0) yield return $"{Section}:{name} must not be negative (0 turns that rule off; all 0 keeps every backup)";
        }
    }
}
