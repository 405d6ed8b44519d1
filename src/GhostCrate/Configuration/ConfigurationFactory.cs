using GhostCrate.Cli;
using Microsoft.Extensions.Configuration;

namespace GhostCrate.Configuration;

/// <summary>
/// One configuration for every verb, so `serve` and `admin` always agree on the database and storage.
/// Priority, lowest first: built-in defaults, ./appsettings.json, --config FILE, GHOSTCRATE_* environment, flags.
/// </summary>
public static class ConfigurationFactory
{
    public const string EnvironmentPrefix = "GHOSTCRATE_";

    public static IConfigurationRoot Build(ParsedArgs args, string workingDirectory)
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DataDir"] = "./data",
                ["Urls"] = "http://127.0.0.1:8000",
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                // While this category is enabled at any level, the host makes an Activity and a logging scope for every
                // request, only to log its start and end (bench/README.md: measurable on the index hot path). Startup
                // and request failures are logged under other categories.
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
                // One line per proxied upstream request is noise; failures are logged by the proxy itself.
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
            })
            .AddJsonFile(Path.Combine(workingDirectory, "appsettings.json"), optional: true, reloadOnChange: false);

        if (args.Option("--config") is { } file)
        {
            var path = Path.GetFullPath(file, workingDirectory);
            if (!File.Exists(path)) throw new CliException($"--config: file not found: {path}");
            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);

        var flags = new Dictionary<string, string?>();
        if (args.Option("--data-dir") is { } dataDir) flags["DataDir"] = dataDir;
        if (args.Option("--urls") is { } urls) flags["Urls"] = urls;
        builder.AddInMemoryCollection(flags);
        return builder.Build();
    }
}
