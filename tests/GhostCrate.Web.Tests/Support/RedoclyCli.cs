using System.Diagnostics;
using System.Text;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// Redocly's OpenAPI linter (npm @redocly/cli), installed by scripts/tools/redocly.sh, which scripts/test.sh runs and
/// whose path it exports as GHOSTCRATE_TEST_REDOCLY. Outside scripts/test.sh the test is skipped, saying so; under it a
/// missing linter is a failure.
/// </summary>
public static class RedoclyCli
{
    public const string Variable = "GHOSTCRATE_TEST_REDOCLY";

    public static string RequireExecutable()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path))
        {
            Assert.Skip($"{Variable} is not set: run through scripts/test.sh, which installs @redocly/cli (scripts/tools/redocly.sh); THE OPENAPI DOCUMENT WAS NOT VALIDATED");
        }
        Assert.True(File.Exists(path), $"{Variable}={path} does not exist: scripts/tools/redocly.sh did not install @redocly/cli");
        return path;
    }

    /// <summary>`redocly lint` with its recommended rules: exit code 0 unless a rule at level error failed.</summary>
    public static async Task<(int ExitCode, string Output)> LintAsync(string executable, string file)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(file)!,
        };
        foreach (var argument in new[] { "lint", "--format=stylish", "--extends=recommended", file }) start.ArgumentList.Add(argument);
        // No usage reports or update checks: the test talks to nothing but the files on this machine.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("redocly lint did not finish within 2 minutes");
        }
        return (process.ExitCode, new StringBuilder().Append(await stdout).Append(await stderr).ToString());
    }
}
