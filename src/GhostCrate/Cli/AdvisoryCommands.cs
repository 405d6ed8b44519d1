using GhostCrate.Composition;
using GhostCrate.Configuration;
using GhostCrate.Core.Advisories;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>
/// `ghostcrate advisories sync --from DIR|TARBALL|GIT-URL` and `ghostcrate audit Cargo.lock` on the server's
/// configuration (same database). The server's scheduled sync (Advisories:SyncFrom, <see cref="AdvisorySyncJobHandler"/>)
/// reads its source the same way (<see cref="AdvisorySource"/>) and calls <see cref="AdvisoryService.SyncAsync"/> as this verb does.
/// </summary>
public static class AdvisoryCommands
{
    public static async Task<int> RunAdvisoriesAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output, TextWriter error)
    {
        var verb = args.Positionals.ElementAtOrDefault(1);
        if (verb is "allow" or "disallow" or "allowed") return await PolicyCommands.RunAllowListAsync(verb, args, settings, output, error);
        if (verb != "sync") throw new CliException("expected `advisories sync --from DIR|TARBALL|GIT-URL`, `advisories allow ID --reason R --until DATE`, `advisories disallow ID` or `advisories allowed` (see `ghostcrate --help`)");
        args.EnsureOnly("--from", "--data-dir", "--config");
        var from = args.Option("--from") ?? throw new CliException("usage: ghostcrate advisories sync --from DIR|TARBALL|GIT-URL");
        IReadOnlyList<AdvisoryFile> files;
        try
        {
            files = await AdvisorySource.ReadAsync(from, AdvisoryLimits.Default, CancellationToken.None);
        }
        catch (AdvisoryFormatException e)
        {
            throw new CliException(e.Message);
        }
        await using var services = await StartAsync(settings);
        var report = await services.GetRequiredService<AdvisoryService>().SyncAsync(files, AdvisoryLimits.Default, CancellationToken.None);
        if (report.Rejected.Count > 0)
        {
            foreach (var r in report.Rejected) await error.WriteLineAsync($"error: {r}");
            await error.WriteLineAsync($"error: nothing was imported ({report.Rejected.Count} problem(s) in {from})");
            return 1;
        }
        await output.WriteLineAsync($"{files.Count} advisories read: {report.Added} added, {report.Updated} updated, {report.Removed} removed, {report.Unchanged} unchanged");
        await output.WriteLineAsync($"{report.AffectedVersions} affected versions in this registry (private, cached proxied and mirrored crates)");
        return 0;
    }

    /// <summary>Prints findings like cargo-audit (Crate, Version, Title, ID, Solution); exit 1 on a vulnerability.</summary>
    public static async Task<int> RunAuditAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--data-dir", "--config", "--deny-warnings");
        var path = args.Positionals.ElementAtOrDefault(1) ?? "Cargo.lock";
        if (!File.Exists(path)) throw new CliException($"file not found: {Path.GetFullPath(path)}");
        if (new FileInfo(path).Length > LockFileReader.MaxBytes) throw new CliException($"{path} is larger than {LockFileReader.MaxBytes} bytes");
        var (packages, problem) = LockFileReader.Read(await File.ReadAllTextAsync(path));
        if (packages is null) throw new CliException($"{path}: {problem}");

        await using var services = await StartAsync(settings);
        var findings = await services.GetRequiredService<AdvisoryService>().AuditAsync(packages, CancellationToken.None);
        await output.WriteLineAsync($"Scanning {path} for vulnerabilities ({packages.Count} crate dependencies)");
        foreach (var f in findings)
        {
            var a = f.Advisory;
            await output.WriteLineAsync(a.IsWarning ? $"Warning: {a.Informational}" : "Crate:     " + f.Crate);
            if (a.IsWarning) await output.WriteLineAsync("Crate:     " + f.Crate);
            await output.WriteLineAsync("Version:   " + f.Version);
            await output.WriteLineAsync("Title:     " + a.Title);
            await output.WriteLineAsync("Date:      " + a.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await output.WriteLineAsync("ID:        " + a.Id);
            await output.WriteLineAsync("URL:       " + (a.Url ?? $"https://rustsec.org/advisories/{a.Id}"));
            // cargo-audit's form: the score, then its band.
            if (a.Score is { } score) await output.WriteLineAsync($"Severity:  {CvssScore.Format(score)} ({a.Severity.ToString().ToLowerInvariant()})");
            await output.WriteLineAsync("Solution:  " + AdvisoryMatcher.Solution(a));
            await output.WriteLineAsync();
        }
        var vulnerabilities = findings.Count(f => !f.Advisory.IsWarning);
        var warnings = findings.Count - vulnerabilities;
        await output.WriteLineAsync(vulnerabilities == 0 && warnings == 0
            ? "No vulnerable packages found"
            : $"error: {vulnerabilities} vulnerabilities found!" + (warnings > 0 ? $" warning: {warnings} allowed warnings found" : ""));
        return vulnerabilities > 0 || (warnings > 0 && args.Has("--deny-warnings")) ? 1 : 0;
    }

    internal static async Task<ServiceProvider> StartAsync(GhostCrateSettings settings)
    {
        if (settings.Database.Provider == Core.Options.DatabaseProvider.Sqlite) Directory.CreateDirectory(settings.DataDir);
        var services = ToolServices.Build(settings);
        await StartupTasks.EnsureSchemaAsync(services, settings, CancellationToken.None);
        return services;
    }
}
