using System.Globalization;
using GhostCrate.Configuration;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Backup.Encryption;
using GhostCrate.Protocol.Formatting;
using GhostCrate.Composition;
using GhostCrate.Storage.FileSystem.Backup;
using GhostCrate.Storage.S3;
using GhostCrate.Storage.S3.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>
/// `ghostcrate backup create|verify|restore|list|prune` (issue 19; docs/backup-and-restore.md). A target is a directory or
/// `s3://bucket/prefix` (reached with the Storage:S3 settings and the AWS credential chain, like the blob store).
/// Exit codes: 0 done, 1 the backup is broken or the restore refused, 2 usage.
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
                "list" => await ListAsync(args, settings, output),
                "prune" => await PruneAsync(args, settings, output),
                _ => throw new CliException($"unknown backup command `{verb}`; expected `backup create`, `verify`, `restore`, `list` or `prune`"),
            };
        }
        catch (BackupException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (Amazon.Runtime.AmazonServiceException ex)
        {
            // A missing bucket, a denied request or an unreachable endpoint of an s3:// target or the S3 storage.
            await error.WriteLineAsync($"error: S3 answered {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> CreateAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--to", "--encrypt-key-file", "--passphrase-env", "--full", "--include-proxy-cache", "--include-mirror", "--data-dir", "--config");
        var to = args.Option("--to") ?? throw new CliException("usage: ghostcrate backup create --to DIR|s3://BUCKET/PREFIX [--encrypt-key-file FILE | --passphrase-env VAR] [--full] [--include-proxy-cache] [--include-mirror] [--data-dir DIR] [--config FILE]");
        var keys = Keys(args, "--encrypt-key-file", settings);
        if (args.Has("--include-mirror") && !settings.Mirror.Enabled)
            throw new CliException("--include-mirror backs up the offline mirror directory, but Mirror:Directory is not set (GHOSTCRATE_Mirror__Directory or the config file)");
        await using var services = ToolServices.Build(settings);
        await EnsureRegistryExistsAsync(services, settings);
        using var target = Target.Of(to, settings);
        var options = new BackupCreateOptions(keys, Incremental: !args.Has("--full") && settings.Backup.Incremental, IncludeProxyCache: args.Has("--include-proxy-cache"),
            MirrorDirectory: args.Has("--include-mirror") ? settings.Mirror.Directory : null);
        var manifest = await services.GetRequiredService<BackupCreator>().CreateAsync(target.Location, BuildInfo.Version, options, CancellationToken.None);
        var referenced = manifest.Blobs.Where(b => b.StoredIn is not null).ToList();
        // The backup alone on the last line, so `B=$(ghostcrate backup create --to DIR | tail -n1)` works.
        await output.WriteLineAsync($"Backed up {Describe(manifest.Counts)}; {Files(manifest.Blobs)}, {Size(manifest)}{(manifest.Encryption is null ? "" : ", encrypted")}.");
        await output.WriteLineAsync($"Wrote {ByteSize.Format(manifest.Database.Size + manifest.Blobs.Where(b => b.StoredIn is null).Sum(b => b.Size))} " +
            $"({manifest.Database.Size + manifest.Blobs.Where(b => b.StoredIn is null).Sum(b => b.Size)} bytes); {referenced.Count} unchanged files ({ByteSize.Format(referenced.Sum(b => b.Size))}) are referenced in earlier backups.");
        if (manifest.Mirror is { } mirror)
            await output.WriteLineAsync($"The offline mirror: {mirror.Files.Count} files and {mirror.Links.Count} links, {mirror.Objects.Count(o => o.StoredIn is null)} of {mirror.Objects.Count} contents written " +
                $"({ByteSize.Format(mirror.Objects.Where(o => o.StoredIn is null).Sum(o => o.Size))}), the others referenced in earlier backups.");
        await output.WriteLineAsync(target.BackupPath(manifest.Id));
        return 0;
    }

    /// <summary>
    /// A data directory or database that never held a registry (a mistyped --data-dir, a config for another
    /// machine) is refused before anything is written to the target, with the place looked at named.
    /// </summary>
    private static async Task EnsureRegistryExistsAsync(IServiceProvider services, GhostCrateSettings settings)
    {
        var isSqlite = settings.Database.Provider == Core.Options.DatabaseProvider.Sqlite;
        var status = await services.GetRequiredService<IDatabase>().GetSchemaStatusAsync(CancellationToken.None);
        if (status.Applied == 0)
        {
            var where = isSqlite ? Path.GetFullPath(settings.DataDir) : "the PostgreSQL database of Database:ConnectionString";
            throw new CliException($"there is no registry to back up in {where}: its database has no GhostCrate tables. Pass the --data-dir (or --config) the server runs with, or run `ghostcrate migrate` first.");
        }
    }

    private static async Task<int> VerifyAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output, TextWriter error)
    {
        args.EnsureOnly("--deep", "--key-file", "--passphrase-env", "--data-dir", "--config");
        var path = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException("usage: ghostcrate backup verify DIR/BACKUP|s3://BUCKET/PREFIX/BACKUP [--deep] [--key-file FILE | --passphrase-env VAR]");
        var keys = Keys(args, "--key-file", settings);
        using var backup = Target.OfBackup(path, settings);
        await using var services = ToolServices.Build(settings);
        var result = await services.GetRequiredService<BackupVerifier>().VerifyAsync(backup.Reader, args.Has("--deep"), keys, CancellationToken.None);
        foreach (var problem in result.Problems) await error.WriteLineAsync($"error: {problem}");
        if (!result.Ok)
        {
            await error.WriteLineAsync($"{backup.Reader.Describe} does NOT verify ({result.Problems.Count} problem(s)).");
            return 1;
        }
        var manifest = result.Manifest!;
        await output.WriteLineAsync($"{backup.Reader.Describe} verifies{(args.Has("--deep") ? " (deep: every version has its crate file with the index checksum, and the database passes integrity_check)" : "")}: " +
            $"{manifest.Files().Count()} files, {Size(manifest)}; {Describe(manifest.Counts)}.");
        return 0;
    }

    private static async Task<int> RestoreAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--force", "--key-file", "--passphrase-env", "--mirror-dir", "--data-dir", "--config");
        var path = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException("usage: ghostcrate backup restore DIR/BACKUP|s3://BUCKET/PREFIX/BACKUP --data-dir NEW [--force] [--key-file FILE | --passphrase-env VAR] [--mirror-dir DIR]");
        var keys = Keys(args, "--key-file", settings);
        if (args.Option("--data-dir") is null && args.Option("--config") is null)
            throw new CliException("say where to restore to: --data-dir NEW (or --config FILE naming the database and storage)");
        using var backup = Target.OfBackup(path, settings);
        if (settings.Database.Provider == Core.Options.DatabaseProvider.Sqlite) Directory.CreateDirectory(settings.DataDir);
        await using var services = ToolServices.Build(settings);
        await StartupTasks.EnsureStorageAsync(services, settings, CancellationToken.None);
        // The mirror goes where --mirror-dir says, else to Mirror:Directory (a backup without a mirror ignores both).
        var mirrorDir = args.Option("--mirror-dir") is { } dir ? Path.GetFullPath(dir) : settings.Mirror.Directory;
        var report = await services.GetRequiredService<BackupRestorer>().RestoreAsync(backup.Reader, args.Has("--force"), keys, mirrorDir, CancellationToken.None);
        await output.WriteLineAsync($"Restored backup {report.Manifest.Id} into {Where(settings)}: {Describe(report.Manifest.Counts)}; " +
            $"{Files(report.Manifest.Blobs)} ({ByteSize.Format(report.BlobBytes)}); {report.MigrationsApplied} migration(s) applied.");
        if (report.Manifest.Mirror is not null) await output.WriteLineAsync($"Restored the offline mirror into {mirrorDir}: {report.MirrorFiles} files.");
        return 0;
    }

    private static async Task<int> ListAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--data-dir", "--config");
        var dir = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException("usage: ghostcrate backup list DIR|s3://BUCKET/PREFIX");
        using var target = Target.Of(dir, settings);
        var listings = await BackupCatalog.ListAsync(target.Location, CancellationToken.None);
        if (listings.Count == 0) await output.WriteLineAsync($"No backups in {target.BackupPath("")}.");
        foreach (var listing in listings)
        {
            await output.WriteLineAsync(listing.Manifest is { } m
                ? $"{listing.Id}  complete    {m.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}  {Size(m)}  {Describe(m.Counts)}"
                : $"{listing.Id}  INCOMPLETE  {listing.Problem}");
        }
        return 0;
    }

    private static async Task<int> PruneAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--keep", "--keep-daily", "--keep-weekly", "--keep-monthly", "--dry-run", "--data-dir", "--config");
        const string usage = "usage: ghostcrate backup prune DIR|s3://BUCKET/PREFIX [--keep N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--dry-run]";
        var dir = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException(usage);
        int Count(string option)
        {
            if (args.Option(option) is not { } text) return 0;
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new CliException($"{option} takes a whole number; {usage}");
        }
        var retention = new BackupRetention(Count("--keep"), Count("--keep-daily"), Count("--keep-weekly"), Count("--keep-monthly"));
        if (!retention.KeepsAnything) throw new CliException(usage);
        using var target = Target.Of(dir, settings);
        var dryRun = args.Has("--dry-run");
        var report = await BackupPruner.PruneAsync(target.Location, retention, dryRun, CancellationToken.None);
        foreach (var id in report.Kept) await output.WriteLineAsync($"{id}  kept");
        foreach (var id in report.Deleted) await output.WriteLineAsync($"{id}  {(dryRun ? "would be deleted" : "deleted")}");
        foreach (var id in report.Running ?? []) await output.WriteLineAsync($"{id}  left alone: a backup create is still writing it");
        foreach (var id in report.Retained) await output.WriteLineAsync($"{id}  {(dryRun ? "would be deleted" : "deleted")}, except the files that kept incremental backups reference");
        if (report.Kept.Count == 0) await output.WriteLineAsync($"No complete backups in {target.BackupPath("")}; nothing deleted.");
        return 0;
    }

    /// <summary>
    /// The encryption key: a key file (<paramref name="keyFileOption"/>), or a passphrase read from the environment
    /// variable --passphrase-env names (never from the command line, where `ps` and shell history would show it), or
    /// else Backup:EncryptionKeyFile / Backup:EncryptionPassphrase of the settings; null: no encryption.
    /// </summary>
    private static BackupKeySource? Keys(ParsedArgs args, string keyFileOption, GhostCrateSettings settings)
    {
        var keyFile = args.Option(keyFileOption);
        var variable = args.Option("--passphrase-env");
        if (keyFile is not null && variable is not null) throw new CliException($"{keyFileOption} and --passphrase-env are alternatives: give one");
        if (keyFile is not null) return BackupKeySource.FromKeyFile(keyFile);
        if (variable is not null)
        {
            var passphrase = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(passphrase)) throw new CliException($"--passphrase-env {variable}: the environment variable {variable} is not set");
            return BackupKeySource.FromPassphrase(passphrase, $"${variable}");
        }
        return settings.Backup.KeySource();
    }

    private static string Where(GhostCrateSettings settings) =>
        settings.Database.Provider == Core.Options.DatabaseProvider.Postgres
            ? $"the PostgreSQL database and {(settings.Storage.Provider == Core.Options.StorageProvider.S3 ? $"bucket {settings.Storage.S3.Bucket}" : "blob storage")} of the configuration"
            : settings.DataDir;

    private static string Describe(BackupCounts c) =>
        $"{c.Crates} crates, {c.Versions} versions, {c.Users} users, {c.Organizations} organizations, {c.Tokens} tokens";

    private static string Files(IReadOnlyList<BackupBlobEntry> blobs)
    {
        var docs = blobs.Count(b => b.IsDocs);
        var cached = blobs.Count(b => b.IsProxyCache);
        return $"{blobs.Count - docs - cached} crate files, {docs} docs files" + (cached > 0 ? $", {cached} proxy-cached crate files" : "");
    }

    private static string Size(BackupManifest manifest) => ByteSize.Format(manifest.Files().Sum(f => f.Size));

    /// <summary>A backup location (directory or S3 prefix) with the S3 client it needs, if any.</summary>
    private sealed class Target : IDisposable
    {
        private readonly Amazon.S3.IAmazonS3? _client;
        private readonly Func<string, string> _path;

        private Target(IBackupLocation location, Amazon.S3.IAmazonS3? client, Func<string, string> path)
        {
            Location = location;
            _client = client;
            _path = path;
        }

        public IBackupLocation Location { get; }

        public IBackupReader Reader { get; private init; } = null!;

        public string BackupPath(string id) => _path(id);

        public static Target Of(string target, GhostCrateSettings settings)
        {
            if (!S3BackupTarget.IsS3(target))
            {
                var location = new DirectoryBackupLocation(target);
                return new Target(location, null, id => Path.Combine(location.Root, id));
            }
            var s3 = Parse(target, S3BackupTarget.Parse);
            var client = S3BlobStoreFactory.CreateClient(settings.Storage.S3);
            return new Target(new S3BackupLocation(client, s3), client, id => $"{s3}{id}");
        }

        public static Target OfBackup(string path, GhostCrateSettings settings)
        {
            if (!S3BackupTarget.IsS3(path))
                return new Target(new DirectoryBackupLocation(Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/"), null, _ => path) { Reader = new DirectoryBackupReader(path) };
            var (s3, id) = Parse(path, S3BackupTarget.ParseBackup);
            var client = S3BlobStoreFactory.CreateClient(settings.Storage.S3);
            var location = new S3BackupLocation(client, s3);
            return new Target(location, client, _ => $"{s3}{id}") { Reader = location.Open(id) };
        }

        private static T Parse<T>(string target, Func<string, T> parse)
        {
            try
            {
                return parse(target);
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message);
            }
        }

        public void Dispose() => _client?.Dispose();
    }
}
