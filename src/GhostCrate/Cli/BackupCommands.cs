using System.Globalization;
using GhostCrate.Configuration;
using GhostCrate.Core.Backup;
using GhostCrate.Protocol.Formatting;
using GhostCrate.Storage.FileSystem.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>
/// `ghostcrate backup create|verify|restore|list` (issue 19; docs/backup-and-restore.md). Exit codes: 0 done,
/// 1 the backup is broken or the restore refused, 2 usage.
/// </summary>
public static class BackupCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output, TextWriter error)
    {
        var verb = args.Positionals.ElementAtOrDefault(1);
        try
        {
            return verb switch
            {
                "create" => await CreateAsync(args, settings, output),
                "verify" => await VerifyAsync(args, settings, output, error),
                "restore" => await RestoreAsync(args, settings, output),
                "list" => await ListAsync(args, output),
                _ => throw new CliException($"unknown backup command `{verb}`; expected `backup create`, `verify`, `restore` or `list`"),
            };
        }
        catch (BackupException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> CreateAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--to", "--data-dir", "--config");
        var to = args.Option("--to") ?? throw new CliException("usage: ghostcrate backup create --to DIR [--data-dir DIR] [--config FILE]");
        if (to.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)) throw new CliException("backups to S3 are not available yet; use a directory");
        // Checked before a backup folder is made, so the refusal leaves nothing behind.
        if (settings.Database.Provider != Core.Options.DatabaseProvider.Sqlite)
            throw new BackupException("backups of a PostgreSQL database are not available yet: this version backs up SQLite (see docs/backup-and-restore.md)");
        await using var services = ToolServices.Build(settings);
        var manifest = await services.GetRequiredService<BackupCreator>().CreateAsync(new DirectoryBackupLocation(to), BuildInfo.Version, CancellationToken.None);
        // The folder alone on the last line, so `B=$(ghostcrate backup create --to DIR | tail -n1)` works.
        await output.WriteLineAsync($"Backed up {Describe(manifest.Counts)}; {manifest.Blobs.Count} crate files, {Size(manifest)}.");
        await output.WriteLineAsync(Path.Combine(Path.GetFullPath(to), manifest.Id));
        return 0;
    }

    private static async Task<int> VerifyAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output, TextWriter error)
    {
        args.EnsureOnly("--deep", "--data-dir", "--config");
        var path = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException("usage: ghostcrate backup verify DIR/BACKUP [--deep]");
        await using var services = ToolServices.Build(settings);
        var result = await services.GetRequiredService<BackupVerifier>().VerifyAsync(new DirectoryBackupReader(path), args.Has("--deep"), CancellationToken.None);
        foreach (var problem in result.Problems) await error.WriteLineAsync($"error: {problem}");
        if (!result.Ok)
        {
            await error.WriteLineAsync($"{Path.GetFullPath(path)} does NOT verify ({result.Problems.Count} problem(s)).");
            return 1;
        }
        var manifest = result.Manifest!;
        await output.WriteLineAsync($"{Path.GetFullPath(path)} verifies{(args.Has("--deep") ? " (deep: every version has its crate file with the index checksum)" : "")}: " +
            $"{manifest.Blobs.Count + 1} files, {Size(manifest)}; {Describe(manifest.Counts)}.");
        return 0;
    }

    private static async Task<int> RestoreAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--force", "--data-dir", "--config");
        var path = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException("usage: ghostcrate backup restore DIR/BACKUP --data-dir NEW [--force]");
        if (args.Option("--data-dir") is null && args.Option("--config") is null)
            throw new CliException("say where to restore to: --data-dir NEW (or --config FILE naming the database and storage)");
        if (settings.Database.Provider == Core.Options.DatabaseProvider.Sqlite) Directory.CreateDirectory(settings.DataDir);
        await using var services = ToolServices.Build(settings);
        var report = await services.GetRequiredService<BackupRestorer>().RestoreAsync(new DirectoryBackupReader(path), args.Has("--force"), CancellationToken.None);
        await output.WriteLineAsync($"Restored backup {report.Manifest.Id} into {settings.DataDir}: {Describe(report.Manifest.Counts)}; " +
            $"{report.BlobsRestored} crate files ({ByteSize.Format(report.BlobBytes)}); {report.MigrationsApplied} migration(s) applied.");
        return 0;
    }

    private static async Task<int> ListAsync(ParsedArgs args, TextWriter output)
    {
        args.EnsureOnly("--data-dir", "--config");
        var dir = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException("usage: ghostcrate backup list DIR");
        var listings = await BackupCatalog.ListAsync(new DirectoryBackupLocation(dir), CancellationToken.None);
        if (listings.Count == 0) await output.WriteLineAsync($"No backups in {Path.GetFullPath(dir)}.");
        foreach (var listing in listings)
        {
            await output.WriteLineAsync(listing.Manifest is { } m
                ? $"{listing.Id}  complete    {m.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}  {Size(m)}  {Describe(m.Counts)}"
                : $"{listing.Id}  INCOMPLETE  {listing.Problem}");
        }
        return 0;
    }

    private static string Describe(BackupCounts c) =>
        $"{c.Crates} crates, {c.Versions} versions, {c.Users} users, {c.Organizations} organizations, {c.Tokens} tokens";

    private static string Size(BackupManifest manifest) => ByteSize.Format(manifest.Database.Size + manifest.Blobs.Sum(b => b.Size));
}
