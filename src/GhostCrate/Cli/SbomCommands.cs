using GhostCrate.Composition;
using GhostCrate.Configuration;
using GhostCrate.Core.Advisories;
using GhostCrate.Core.Sbom;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>
/// `ghostcrate sbom [Cargo.lock] [--format cyclonedx|spdx] [--output FILE]`: the SBOM of a lock file, on the server's
/// configuration (same database: licences of this registry's crates, stored advisories). Reads the lock file with the
/// audit's reader and limits (<see cref="LockFileReader"/>).
/// </summary>
public static class SbomCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--format", "--output", "--data-dir", "--config");
        var path = args.Positionals.ElementAtOrDefault(1) ?? "Cargo.lock";
        if (!SbomFormats.TryParse(args.Option("--format"), out var format))
            throw new CliException($"unknown format `{args.Option("--format")}`: use cyclonedx (CycloneDX 1.5 JSON) or spdx (SPDX 2.3 JSON)");
        if (!File.Exists(path)) throw new CliException($"file not found: {Path.GetFullPath(path)}");
        if (new FileInfo(path).Length > LockFileReader.MaxBytes) throw new CliException($"{path} is larger than {LockFileReader.MaxBytes} bytes");
        var (lockFile, problem) = LockFileReader.ReadGraph(await File.ReadAllTextAsync(path));
        if (lockFile is null) throw new CliException($"{path}: {problem}");

        if (settings.Database.Provider == Core.Options.DatabaseProvider.Sqlite) Directory.CreateDirectory(settings.DataDir);
        await using var services = ToolServices.Build(settings);
        await StartupTasks.EnsureSchemaAsync(services, settings, CancellationToken.None);
        var name = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) is { Length: > 0 } dir ? dir : "Cargo.lock";
        var document = await services.GetRequiredService<SbomService>().ForLockFileAsync(name, lockFile, CancellationToken.None);
        var bytes = SbomService.Render(document, format);
        if (args.Option("--output") is { } file)
        {
            await File.WriteAllBytesAsync(file, bytes);
            return 0;
        }
        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(bytes));
        return 0;
    }
}
