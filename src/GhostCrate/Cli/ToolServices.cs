using GhostCrate.Composition;
using GhostCrate.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Cli;

/// <summary>The services of the non-server verbs: same backends as `serve`, logs on stderr so stdout stays scriptable.</summary>
public static class ToolServices
{
    public static ServiceProvider Build(GhostCrateSettings settings)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        services.AddGhostCrate(settings);
        return services.BuildServiceProvider();
    }
}
