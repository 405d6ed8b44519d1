using GhostCrate.Composition;
using GhostCrate.Configuration;
using GhostCrate.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>`ghostcrate admin ...`: account management on the same configuration as the server.</summary>
public static class AdminCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output, TextReader input)
    {
        var verb = string.Join(' ', args.Positionals.Skip(1).Take(2));
        if (settings.Database.Provider == Core.Options.DatabaseProvider.Sqlite) Directory.CreateDirectory(settings.DataDir);
        await using var services = ToolServices.Build(settings);
        await StartupTasks.EnsureSchemaAsync(services, settings, CancellationToken.None);
        return verb switch
        {
            "user add" => await AddUserAsync(args, services, output, input),
            "token create" => await CreateTokenAsync(args, services, output),
            _ => throw new CliException($"unknown admin command `{verb}`; expected `admin user add` or `admin token create`"),
        };
    }

    private static async Task<int> AddUserAsync(ParsedArgs args, IServiceProvider services, TextWriter output, TextReader input)
    {
        args.EnsureOnly("--admin", "--password-stdin", "--data-dir", "--config");
        if (args.Positionals.Count != 4) throw new CliException("usage: ghostcrate admin user add NAME [--admin] [--password-stdin]");
        var name = args.Positionals[3];
        string password;
        var generated = false;
        if (args.Has("--password-stdin"))
        {
            password = (await input.ReadLineAsync())?.TrimEnd('\r', '\n') ?? "";
        }
        else
        {
            password = PasswordHasher.GeneratePassword();
            generated = true;
        }
        var result = await services.GetRequiredService<UserService>().CreateUserAsync(name, password, args.Has("--admin"), CancellationToken.None);
        if (result.Error is { } error) throw new CliException(error.Detail);
        await output.WriteLineAsync(generated
            ? $"Created user `{name}`{(args.Has("--admin") ? " (administrator)" : "")} with password: {password}"
            : $"Created user `{name}`{(args.Has("--admin") ? " (administrator)" : "")}.");
        return 0;
    }

    private static async Task<int> CreateTokenAsync(ParsedArgs args, IServiceProvider services, TextWriter output)
    {
        args.EnsureOnly("--user", "--name", "--data-dir", "--config");
        var user = args.Option("--user") ?? throw new CliException("usage: ghostcrate admin token create --user NAME [--name LABEL]");
        var label = args.Option("--name") ?? "cli";
        var result = await services.GetRequiredService<UserService>().CreateTokenAsync(user, label, expiresAt: null, TokenScopes.Unrestricted, CancellationToken.None);
        if (result.Error is { } error) throw new CliException(error.Detail);
        // The token alone on stdout, so `TOKEN=$(ghostcrate admin token create --user ci)` works.
        await output.WriteLineAsync(result.Value!.Secret);
        return 0;
    }
}
