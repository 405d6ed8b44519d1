using GhostCrate.Configuration;
using GhostCrate.Core.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>`ghostcrate migrate`: the explicit way to move a production schema forward.</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output)
    {
        args.EnsureOnly("--data-dir", "--config");
        if (settings.Database.Provider == Core.Options.DatabaseProvider.Sqlite) Directory.CreateDirectory(settings.DataDir);
        await using var services = ToolServices.Build(settings);
        var database = services.GetRequiredService<IDatabase>();
        var applied = await database.MigrateAsync(CancellationToken.None);
        var status = await database.GetSchemaStatusAsync(CancellationToken.None);
        await output.WriteLineAsync(applied == 0
            ? $"The database schema is up to date ({status.Applied} migrations)."
            : $"Applied {applied} migration(s); the schema is at {status.Applied} of {status.Known}.");
        return 0;
    }
}
