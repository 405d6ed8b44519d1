using GhostCrate.Mirror;
using GhostCrate.Mirror.Checking;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Estimates;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Protocol.Formatting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Cli.Mirror;

/// <summary>`ghostcrate mirror ...`: the offline mirror toolkit (docs/mirror-in-10-minutes.md).</summary>
public static class MirrorCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter output, TextWriter error)
    {
        var verb = args.Positionals.ElementAtOrDefault(1)
            ?? throw new CliException("usage: ghostcrate mirror init|sync|verify|diff DIR (see `ghostcrate --help`)");
        return await CancellableMirrorRun.RunAsync(error, "interrupted; run the same command again to continue where it stopped",
            cancel => verb switch
            {
                "init" => Task.FromResult(Init(args, output)),
                "sync" => SyncAsync(args, output, error, cancel),
                "estimate" => EstimateAsync(args, output, error, cancel),
                "verify" => VerifyAsync(args, output, cancel),
                "diff" => DiffAsync(args, output, cancel),
                "sidecars" => MirrorBundleCommands.SidecarsAsync(args, output, cancel),
                "inventory" => MirrorBundleCommands.InventoryAsync(args, output, cancel),
                "sign" => Task.FromResult(MirrorBundleCommands.Sign(args, output)),
                "export" => MirrorBundleCommands.ExportAsync(args, output, cancel),
                "import" => MirrorBundleCommands.ImportAsync(args, output, cancel),
                _ => throw new CliException($"unknown mirror command `{verb}`; expected init, sync, estimate, verify, diff, sidecars, inventory, sign, export or import"),
            });
    }

    internal static MirrorLayout Directory(ParsedArgs args, string usage)
    {
        if (args.Positionals.Count != 3) throw new CliException("usage: ghostcrate " + usage);
        return new MirrorLayout(args.Positionals[2]);
    }

    internal static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        services.AddGhostCrateMirror();
        return services.BuildServiceProvider();
    }

    private static int Init(ParsedArgs args, TextWriter output)
    {
        args.EnsureOnly("--upstream", "--download", "--crates", "--lockfiles", "--vendor-dirs", "--include", "--exclude", "--skip-yanked", "--keep-latest", "--concurrency", "--force", "--resolve", "--with-dev");
        var layout = Directory(args, "mirror init DIR --upstream URL [options]");
        var upstream = args.Option("--upstream") ?? throw new CliException("mirror init needs --upstream URL (sparse+https://index.crates.io/ or a git index URL)");
        if (File.Exists(layout.ConfigFile) && !args.Has("--force"))
            throw new CliException($"{layout.ConfigFile} already exists (edit it, or pass --force to start over)");
        var defaults = new DownloadConfig();
        var config = MirrorConfig.Create(upstream, args.Option("--download")) with
        {
            Selection = new SelectionConfig
            {
                Crates = List(args, "--crates"),
                Lockfiles = List(args, "--lockfiles").Select(FullPath).ToList(),
                VendorDirs = List(args, "--vendor-dirs").Select(FullPath).ToList(),
                Include = List(args, "--include"),
                Exclude = List(args, "--exclude"),
                SkipYanked = args.Has("--skip-yanked"),
                KeepLatest = Int(args, "--keep-latest", 0),
                // `--resolve` alone takes every matching version; `--resolve=newest` the newest per requirement.
                Resolve = args.Option("--resolve") ?? (args.Has("--resolve") ? SelectionConfig.ResolveAll : null),
                ResolveDev = args.Has("--with-dev"),
            },
            Download = defaults with { Concurrency = Int(args, "--concurrency", defaults.Concurrency) },
        };
        var errors = config.Validate();
        if (errors.Count > 0) throw new CliException(string.Join("; ", errors));
        System.IO.Directory.CreateDirectory(layout.Root);
        MirrorConfigFile.Save(layout, config);
        output.WriteLine($"Created {layout.ConfigFile} (upstream {upstream}). Next: ghostcrate mirror sync {layout.Root}");
        return 0;
    }

    private static async Task<int> SyncAsync(ParsedArgs args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--plain", "--metrics");
        var layout = Directory(args, "mirror sync DIR [--plain] [--metrics HOST:PORT]");
        await using var services = Services();
        var sync = services.GetRequiredService<MirrorSync>();
        await using var metrics = args.Option("--metrics") is { } listen ? await SyncMetricsEndpoint.StartAsync(listen, output) : null;
        var interactive = !args.Has("--plain") && !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        // The status file lets `ghostcrate serve` show this run's progress on /admin/mirror.
        using var status = new StatusFileProgress(layout, TimeProvider.System);
        SyncReport report;
        try
        {
            report = interactive
                ? await SpectreSyncProgress.RunAsync(progress => sync.SyncAsync(layout, new FanOutProgress(progress, status), cancellationToken))
                : await sync.SyncAsync(layout, new FanOutProgress(new PlainProgress(output, TimeProvider.System), status), cancellationToken);
        }
        catch (Exception ex)
        {
            status.Failed(ex);
            throw;
        }
        status.Finished(report);
        await output.WriteLineAsync(
            $"Sync {(report.Complete ? "complete" : "incomplete")}: {report.FilesDownloaded} file(s) downloaded ({ByteSize.Format(report.BytesDownloaded)}), " +
            $"{report.FilesPresent} already present, {report.Retries} retr{(report.Retries == 1 ? "y" : "ies")}, {report.Failures.Count} failure(s), " +
            $"{report.IndexFilesUpdated} index file(s) updated, {report.IndexFilesRemoved} removed, {report.IndexFilesNotModified} not modified upstream; " +
            $"{report.Elapsed.TotalSeconds:F1}s, {report.FilesPerSecond:F1} files/s, {ByteSize.Format((long)report.BytesPerSecond)}/s.");
        await output.WriteLineAsync($"Manifest: {report.ManifestPath}");
        foreach (var failure in report.Failures.Take(50)) await error.WriteLineAsync($"failed: {failure}");
        if (report.Failures.Count > 50) await error.WriteLineAsync($"... and {report.Failures.Count - 50} more (see the manifest)");
        if (!report.Complete) await error.WriteLineAsync("The served index lists only files that are present. Run the sync again to retry the failures.");
        return report.Complete ? 0 : 1;
    }

    private static async Task<int> EstimateAsync(ParsedArgs args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        args.EnsureOnly();
        var layout = Directory(args, "mirror estimate DIR");
        await using var services = Services();
        var estimate = await services.GetRequiredService<MirrorEstimator>().EstimateCratesAsync(layout, new PlainProgress(output, TimeProvider.System), cancellationToken);
        return await EstimateOutput.WriteAsync(output, error, layout, estimate);
    }

    private static async Task<int> VerifyAsync(ParsedArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--repair", "--plain");
        var layout = Directory(args, "mirror verify DIR [--repair]");
        await using var services = Services();
        var verifier = new MirrorVerifier(services.GetRequiredService<IHttpClientFactory>());
        var report = await verifier.VerifyAsync(layout, args.Has("--repair"), new PlainProgress(output, TimeProvider.System), cancellationToken);
        foreach (var problem in report.Missing) await output.WriteLineAsync($"missing {problem.Name} {problem.Version}: {problem.Detail}");
        foreach (var problem in report.Corrupt) await output.WriteLineAsync($"corrupt {problem.Name} {problem.Version}: {problem.Detail}");
        await output.WriteLineAsync($"Checked {report.Checked} file(s): {report.Missing.Count} missing, {report.Corrupt.Count} corrupt" +
            (args.Has("--repair") ? $", {report.Repaired} repaired." : "."));
        return report.ExitCode;
    }

    private static async Task<int> DiffAsync(ParsedArgs args, TextWriter output, CancellationToken cancellationToken)
    {
        args.EnsureOnly();
        var layout = Directory(args, "mirror diff DIR");
        MirrorConfigFile.Load(layout);
        var counts = await MirrorDiff.RunAsync(layout, output, cancellationToken);
        await output.WriteLineAsync($"{counts.Missing} missing, {counts.Extra} extra, {counts.Yanked} yanked");
        return 0;
    }

    /// <summary>
    /// The shell expands `~` only at the start of a word, so in `--lockfiles ~/a/Cargo.lock,~/b/Cargo.lock` the second
    /// arrives as typed: expanded here, as the shell would, before the path becomes absolute.
    /// </summary>
    internal static string FullPath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            path = home + path[1..];
        }
        return Path.GetFullPath(path);
    }

    private static List<string> List(ParsedArgs args, string name) =>
        (args.Option(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int Int(ParsedArgs args, string name, int fallback) =>
        args.Option(name) is not { } text ? fallback
        : int.TryParse(text, out var value) ? value
        : throw new CliException($"{name} needs a whole number (got '{text}')");
}
