using GhostCrate.Configuration;

namespace GhostCrate.Cli;

/// <summary>Entry point of the `ghostcrate` executable: parse, configure, validate, dispatch.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] argv, TextWriter output, TextWriter error, TextReader input)
    {
        try
        {
            var args = ParsedArgs.Parse(argv);
            if (args.Has("--version"))
            {
                await output.WriteLineAsync(BuildInfo.Version);
                return 0;
            }
            var verb = args.Positionals.FirstOrDefault();
            if (verb is null || args.Has("--help") || args.Has("-h") || verb == "help")
            {
                await output.WriteLineAsync(Help.For(args.Positionals));
                return verb is null && !args.Has("--help") && !args.Has("-h") ? 2 : 0;
            }

            // The offline mirror's and toolchain verbs read their own directory's mirror.json and nothing of the
            // server's configuration: binding and validating every section of it would only delay their start.
            if (verb == "mirror") return await Mirror.MirrorCommands.RunAsync(args, output, error);
            if (verb == "toolchain") return await ToolchainCommands.RunAsync(args, output, error);

            var workingDirectory = Directory.GetCurrentDirectory();
            var configuration = ConfigurationFactory.Build(args, workingDirectory);
            var (settings, problems) = GhostCrateSettings.Load(configuration, workingDirectory);
            if (settings is null)
            {
                foreach (var problem in problems) await error.WriteLineAsync($"error: {problem}");
                return 2;
            }

            return verb switch
            {
                "serve" => await ServeCommand.RunAsync(args, configuration, settings, output),
                "migrate" => await MigrateCommand.RunAsync(args, settings, output),
                "admin" => await AdminCommands.RunAsync(args, settings, output, input),
                "proxy" when args.Positionals.ElementAtOrDefault(1) == "quarantine" => await PolicyCommands.RunQuarantineAsync(args, settings, output, error),
                "proxy" => await ProxyCommands.RunAsync(args, settings, output),
                "backup" => await BackupCommands.RunAsync(args, settings, output, error),
                "advisories" => await AdvisoryCommands.RunAdvisoriesAsync(args, settings, output, error),
                "audit" => await AdvisoryCommands.RunAuditAsync(args, settings, output),
                "sbom" => await SbomCommands.RunAsync(args, settings, output),
                "docs" => await DocsCommands.RunAsync(args, output, error),
                _ => throw new CliException($"unknown command `{verb}` (see `ghostcrate --help`)"),
            };
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
    }
}
