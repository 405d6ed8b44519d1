using GhostCrate.Cli.Mirror;
using GhostCrate.Mirror;
using GhostCrate.Mirror.Estimates;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;
using GhostCrate.Protocol.Formatting;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>`ghostcrate toolchain ...`: a rustup toolchain mirror inside the offline mirror directory (docs/toolchains.md).</summary>
public static class ToolchainCommands
{
    private const string SyncUsage =
        "toolchain sync DIR --hosts TRIPLE,.. [--channels stable,1.95,..] [--targets TRIPLE,..] [--profile minimal|default|complete|none] " +
        "[--components NAME,..] [--dist-server URL] [--key PUBLIC.asc] [--signatures require|warn|skip] [--concurrency N] [--keep-stable N]";

    public static async Task<int> RunAsync(ParsedArgs args, TextWriter output, TextWriter error)
    {
        var verb = args.Positionals.ElementAtOrDefault(1) ?? throw new CliException("usage: ghostcrate " + SyncUsage);
        return await CancellableMirrorRun.RunAsync(error,
            "interrupted; run the same command again to continue where it stopped (finished files are kept)",
            cancel => verb switch
            {
                "sync" => SyncAsync(args, output, error, cancel),
                "estimate" => EstimateAsync(args, output, error, cancel),
                "upload" => CustomToolchainCommands.UploadAsync(args, output, error, Environment.GetEnvironmentVariable, cancel),
                "install" => CustomToolchainCommands.InstallAsync(args, output, error, Environment.GetEnvironmentVariable, cancel),
                "delete" => CustomToolchainCommands.DeleteAsync(args, output, error, Environment.GetEnvironmentVariable, cancel),
                _ => throw new CliException($"unknown toolchain command `{verb}`; expected sync, estimate, upload, install or delete"),
            });
    }

    private static async Task<int> SyncAsync(ParsedArgs args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--hosts", "--channels", "--targets", "--profile", "--components", "--dist-server", "--key", "--signatures", "--concurrency", "--keep-stable");
        if (args.Positionals.Count != 3) throw new CliException("usage: ghostcrate " + SyncUsage);
        var layout = new MirrorLayout(args.Positionals[2]);
        var request = ParseRequest(args);
        await using var services = MirrorCommands.Services();
        var sync = services.GetRequiredService<ToolchainSync>();
        var report = await sync.SyncAsync(layout, request, new PlainProgress(output, TimeProvider.System), cancellationToken);
        foreach (var channel in report.Channels)
        {
            foreach (var warning in channel.Warnings) await error.WriteLineAsync($"warning: {channel.Channel}: {warning}");
            if (channel.Mirrored)
                await output.WriteLineAsync($"{channel.Channel}: Rust {channel.Version} ({channel.Date}): {channel.Files} file(s), {channel.Downloaded} downloaded ({ByteSize.Format(channel.Bytes)})");
            else
                await error.WriteLineAsync($"refused {channel.Channel}: {channel.Refused}");
        }
        foreach (var gone in report.Retired) await output.WriteLineAsync($"retention: Rust {gone.Version} ({gone.Date}) removed from the served state");
        await output.WriteLineAsync(report.RustupRelease is { } v
            ? $"rustup self-update file: version {v}"
            : "rustup self-update file: not published by the dist server (rustup users need --no-self-update or RUSTUP_UPDATE_ROOT elsewhere)");
        if (report.RustupInitHosts.Count > 0) await output.WriteLineAsync($"rustup-init {report.RustupRelease} for {string.Join(", ", report.RustupInitHosts)} (RUSTUP_UPDATE_ROOT=.../rustup/rustup)");
        await output.WriteLineAsync(report.Switched
            ? $"Serving the new state of {layout.Root}."
            : $"Nothing changed; the served state is as it was{(layout.CurrentGenerationDir() is { } current ? $" (generation {Path.GetFileName(current).TrimStart('0')} kept)" : "")}.");
        if (!report.Complete) await error.WriteLineAsync("Refused channels keep their previous state. Fix the cause and run the sync again.");
        return report.Complete ? 0 : 1;
    }

    /// <summary>`toolchain estimate`: what `toolchain sync` with the same flags would download (nothing is kept).</summary>
    private static async Task<int> EstimateAsync(ParsedArgs args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        args.EnsureOnly("--hosts", "--channels", "--targets", "--profile", "--components", "--dist-server", "--key", "--signatures", "--concurrency", "--keep-stable");
        if (args.Positionals.Count != 3) throw new CliException("usage: ghostcrate " + SyncUsage.Replace("toolchain sync", "toolchain estimate", StringComparison.Ordinal));
        var layout = new MirrorLayout(args.Positionals[2]);
        var request = ParseRequest(args);
        await using var services = MirrorCommands.Services();
        var estimate = await services.GetRequiredService<MirrorEstimator>().EstimateToolchainsAsync(layout, request, cancellationToken);
        return await EstimateOutput.WriteAsync(output, error, layout, estimate);
    }

    internal static ToolchainSyncRequest ParseRequest(ParsedArgs args)
    {
        var channels = new List<ChannelName>();
        foreach (var text in List(args, "--channels") is { Count: > 0 } given ? given : ["stable"])
        {
            if (!DistPaths.TryParseChannel(text, out var channel))
                throw new CliException($"--channels: `{text}` is not a channel (stable, beta, nightly, 1.95, 1.95.0, nightly-2026-04-16)");
            channels.Add(channel);
        }
        var hosts = List(args, "--hosts");
        if (hosts.Count == 0) throw new CliException("toolchain sync needs --hosts (the platforms rustup runs on, e.g. x86_64-unknown-linux-gnu; * for all)");
        var server = args.Option("--dist-server") ?? DistPaths.OfficialServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("http" or "https") || serverUri.Query.Length > 0)
            throw new CliException($"--dist-server: `{server}` is not an http(s) URL");
        var signatures = args.Option("--signatures") switch
        {
            null or "require" => SignaturePolicy.Require,
            "warn" => SignaturePolicy.Warn,
            "skip" => SignaturePolicy.Skip,
            var other => throw new CliException($"--signatures must be require, warn or skip (got `{other}`)"),
        };
        var profile = args.Option("--profile") ?? "default";
        var request = new ToolchainSyncRequest
        {
            DistServer = serverUri,
            Channels = channels,
            Selection = new ToolchainSelection
            {
                Hosts = hosts,
                CrossTargets = List(args, "--targets"),
                Profile = profile == "none" ? null : profile,
                Components = List(args, "--components"),
            },
            TrustedKeyFile = args.Option("--key") is { } key ? Path.GetFullPath(key) : null,
            Signatures = signatures,
        };
        if (args.Option("--concurrency") is { } concurrency)
        {
            if (!int.TryParse(concurrency, out var n) || n is < 1 or > 256) throw new CliException("--concurrency needs a number from 1 to 256");
            request = request with { Concurrency = n };
        }
        if (args.Option("--keep-stable") is { } keep)
        {
            if (!int.TryParse(keep, out var n) || n is < 1 or > 1000) throw new CliException("--keep-stable needs a number from 1 to 1000 (the stable releases to keep serving)");
            request = request with { KeepStable = n };
        }
        return request;
    }

    private static List<string> List(ParsedArgs args, string name) =>
        (args.Option(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
