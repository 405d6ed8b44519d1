using GhostCrate.Composition;
using GhostCrate.Configuration;
using GhostCrate.Core.Proxy;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>
/// `ghostcrate proxy warm|status`: the proxy cache on the same configuration as the server (same database and blob
/// store), so a build machine's needs can be fetched ahead of time without a running server.
/// </summary>
public static class ProxyCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        var verb = args.Positionals.ElementAtOrDefault(1);
        if (settings.Proxy.EffectiveUpstreams().Count == 0)
            throw new CliException("the proxy is off; set Proxy:Enabled=true (GHOSTCRATE_Proxy__Enabled=true) and configure its upstreams first");
        if (settings.Database.Provider == Core.Options.DatabaseProvider.Sqlite) Directory.CreateDirectory(settings.DataDir);
        await using var services = ToolServices.Build(settings);
        await StartupTasks.EnsureSchemaAsync(services, settings, CancellationToken.None);
        await StartupTasks.EnsureStorageAsync(services, settings, CancellationToken.None);
        try
        {
            return verb switch
            {
                "warm" => await WarmAsync(args, services, output),
                "status" => await StatusAsync(args, services, output),
                _ => throw new CliException("expected `proxy warm` or `proxy status` (see `ghostcrate --help`)"),
            };
        }
        finally
        {
            // The counters of this run belong in the totals the server's status shows.
            await services.GetRequiredService<ProxyStatistics>().FlushAsync(CancellationToken.None);
        }
    }

    private static async Task<int> WarmAsync(ParsedArgs args, IServiceProvider services, TextWriter output)
    {
        args.EnsureOnly("--upstream", "--lock", "--data-dir", "--config");
        var name = args.Option("--upstream") ?? Core.Options.ProxyOptions.CratesIo;
        var upstream = services.GetRequiredService<UpstreamRegistries>().Find(name)
            ?? throw new CliException($"no upstream is mounted as `{name}`");
        string? cargoLock = null;
        if (args.Option("--lock") is { } lockPath)
        {
            if (!File.Exists(lockPath)) throw new CliException($"--lock: file not found: {Path.GetFullPath(lockPath)}");
            cargoLock = await File.ReadAllTextAsync(lockPath);
        }
        var crates = args.Positionals.Skip(2).ToList();
        if (crates.Count == 0 && cargoLock is null) throw new CliException("usage: ghostcrate proxy warm [--upstream NAME] [--lock Cargo.lock] [CRATE[@VERSION]...]");

        var (report, error) = await services.GetRequiredService<ProxyWarmer>().WarmAsync(upstream, new WarmRequest(crates, cargoLock), CancellationToken.None);
        if (report is null) throw new CliException(error!);
        foreach (var item in report.Items.OrderBy(i => i.Crate, StringComparer.Ordinal).ThenBy(i => i.Version, StringComparer.Ordinal))
        {
            var what = item.Version is null ? item.Crate : $"{item.Crate}@{item.Version}";
            await output.WriteLineAsync(item.Error is null ? $"{item.Status,-16} {what}" : $"{item.Status,-16} {what}: {item.Error}");
        }
        await output.WriteLineAsync($"{report.Items.Count(i => i.Error is null)} of {report.Items.Count} cached from upstream `{upstream.Name}`");
        return report.Succeeded ? 0 : 1;
    }

    private static async Task<int> StatusAsync(ParsedArgs args, IServiceProvider services, TextWriter output)
    {
        args.EnsureOnly("--probe", "--data-dir", "--config");
        foreach (var s in await services.GetRequiredService<ProxyStatusService>().GetAsync(args.Has("--probe"), CancellationToken.None))
        {
            var state = s.Reachable switch { true => "reachable", false => "UNREACHABLE", null => "not contacted yet" };
            await output.WriteLineAsync($"{s.Name}: {s.IndexUrl} {state}");
            await output.WriteLineAsync($"  cache: {s.Cache.IndexFiles} index files ({s.Cache.IndexBytes} bytes), {s.Cache.CrateFiles} crate files ({s.Cache.CrateBytes} bytes)");
            var c = s.Counters;
            await output.WriteLineAsync($"  index: {c.IndexHits} hits, {c.IndexMisses} misses, {c.Revalidations} revalidations ({c.NotModified} not modified), {c.StaleServed} served stale");
            await output.WriteLineAsync($"  crates: {c.CrateHits} hits, {c.CrateMisses} fetched, {c.ChecksumMismatches} checksum mismatches; {c.Errors} upstream errors");
            if (c.LastSuccessAt is { } ok) await output.WriteLineAsync($"  last success: {ok:u}");
            if (c.LastErrorAt is { } failed) await output.WriteLineAsync($"  last error: {failed:u} {c.LastError}");
        }
        return 0;
    }
}
