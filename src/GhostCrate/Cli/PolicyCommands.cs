using System.Globalization;
using GhostCrate.Configuration;
using GhostCrate.Core.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Cli;

/// <summary>
/// The advisory allow-list and quarantine exemptions from the command line (docs/security.md#policy), on the server's
/// configuration (same database): `advisories allow|disallow|allowed` and `proxy quarantine exempt|unexempt|exemptions`.
/// Changes are audited with the actor `cli`; running servers pick them up through the policy epoch.
/// </summary>
public static class PolicyCommands
{
    public static async Task<int> RunAllowListAsync(string verb, ParsedArgs args, GhostCrateSettings settings, TextWriter output, TextWriter error)
    {
        switch (verb)
        {
            case "allow":
            {
                args.EnsureOnly("--reason", "--until", "--data-dir", "--config");
                var id = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException("usage: ghostcrate advisories allow ID --reason R --until YYYY-MM-DD");
                var until = Day(args.Option("--until") ?? throw new CliException("--until YYYY-MM-DD is required (the last day the advisory stays allowed, UTC)"));
                await using var services = await AdvisoryCommands.StartAsync(settings);
                var result = await services.GetRequiredService<PolicyService>().AllowAsync(null, id, args.Option("--reason"), until, CancellationToken.None);
                if (result.Error is { } e) return await FailAsync(error, e.Detail);
                await output.WriteLineAsync($"{result.Value!.AdvisoryId} allowed until {args.Option("--until")} (UTC): {result.Value.Reason}");
                return 0;
            }
            case "disallow":
            {
                args.EnsureOnly("--data-dir", "--config");
                var id = args.Positionals.ElementAtOrDefault(2) ?? throw new CliException("usage: ghostcrate advisories disallow ID");
                await using var services = await AdvisoryCommands.StartAsync(settings);
                var result = await services.GetRequiredService<PolicyService>().DisallowAsync(null, id, CancellationToken.None);
                if (result.Error is { } e) return await FailAsync(error, e.Detail);
                await output.WriteLineAsync($"{id} removed from the allow-list");
                return 0;
            }
            default:
            {
                args.EnsureOnly("--data-dir", "--config");
                await using var services = await AdvisoryCommands.StartAsync(settings);
                var list = (await services.GetRequiredService<PolicyService>().ListAllowedAsync(null, CancellationToken.None)).Value!;
                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                if (list.Count == 0) await output.WriteLineAsync("The allow-list is empty");
                foreach (var a in list)
                    await output.WriteLineAsync($"{a.AdvisoryId}\tuntil {LastDay(a.ExpiresAt)}{(a.IsActive(now) ? "" : " (expired)")}\t{a.CreatedBy}\t{a.Reason}");
                return 0;
            }
        }
    }

    public static async Task<int> RunQuarantineAsync(ParsedArgs args, GhostCrateSettings settings, TextWriter output, TextWriter error)
    {
        var verb = args.Positionals.ElementAtOrDefault(2);
        var service = (ServiceProvider s) => s.GetRequiredService<PolicyService>();
        switch (verb)
        {
            case "exempt":
            {
                args.EnsureOnly("--reason", "--until", "--data-dir", "--config");
                var crate = args.Positionals.ElementAtOrDefault(3) ?? throw new CliException("usage: ghostcrate proxy quarantine exempt CRATE --reason R --until YYYY-MM-DD");
                var until = Day(args.Option("--until") ?? throw new CliException("--until YYYY-MM-DD is required (the last day of the exemption, UTC)"));
                await using var services = await AdvisoryCommands.StartAsync(settings);
                var result = await service(services).ExemptAsync(null, crate, args.Option("--reason"), until, CancellationToken.None);
                if (result.Error is { } e) return await FailAsync(error, e.Detail);
                await output.WriteLineAsync($"{result.Value!.CrateName} exempt from the quarantine until {args.Option("--until")} (UTC)");
                return 0;
            }
            case "unexempt":
            {
                args.EnsureOnly("--data-dir", "--config");
                var crate = args.Positionals.ElementAtOrDefault(3) ?? throw new CliException("usage: ghostcrate proxy quarantine unexempt CRATE");
                await using var services = await AdvisoryCommands.StartAsync(settings);
                var result = await service(services).RemoveExemptionAsync(null, crate, CancellationToken.None);
                if (result.Error is { } e) return await FailAsync(error, e.Detail);
                await output.WriteLineAsync($"{crate} is quarantined again like every proxied crate");
                return 0;
            }
            case "exemptions":
            {
                args.EnsureOnly("--data-dir", "--config");
                await using var services = await AdvisoryCommands.StartAsync(settings);
                var list = (await service(services).ListExemptionsAsync(null, CancellationToken.None)).Value!;
                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                if (list.Count == 0) await output.WriteLineAsync("No crate is exempt from the quarantine");
                foreach (var x in list)
                    await output.WriteLineAsync($"{x.CrateName}\tuntil {LastDay(x.ExpiresAt)}{(x.IsActive(now) ? "" : " (expired)")}\t{x.CreatedBy}\t{x.Reason}");
                return 0;
            }
            default:
                throw new CliException("expected `proxy quarantine exempt CRATE --reason R --until DATE`, `proxy quarantine unexempt CRATE` or `proxy quarantine exemptions`");
        }
    }

    private static DateOnly Day(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day : throw new CliException($"`{value}` is not a date like 2027-03-31");

    private static string LastDay(DateTimeOffset expiresAt) =>
        DateOnly.FromDateTime(expiresAt.UtcDateTime.AddDays(-1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<int> FailAsync(TextWriter error, string detail)
    {
        await error.WriteLineAsync($"error: {detail}");
        return 1;
    }
}
