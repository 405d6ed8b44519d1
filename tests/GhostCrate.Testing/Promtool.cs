using System.Diagnostics;

namespace GhostCrate.Testing;

/// <summary>
/// Prometheus's own checker (Debian's `prometheus` package, installed by scripts/test.sh): `check metrics` lints an
/// exposition, `check rules` and `check config` validate rule and configuration files.
/// </summary>
public static class Promtool
{
    public static bool IsInstalled => Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(d => File.Exists(Path.Combine(d, "promtool"))) == true;

    public static string SkipReason => "promtool is not installed (apt-get install prometheus; scripts/test.sh installs it)";

    /// <summary>`promtool check metrics` with the exposition on stdin: exit code and everything it printed.</summary>
    public static Task<(int Exit, string Output)> CheckMetricsAsync(string exposition) => RunAsync(exposition, "check", "metrics");

    public static Task<(int Exit, string Output)> CheckRulesAsync(string path) => RunAsync(null, "check", "rules", path);

    public static Task<(int Exit, string Output)> CheckConfigAsync(string path) => RunAsync(null, "check", "config", path);

    /// <summary>`promtool test rules`: the alert rules' unit tests (series in, expected alerts out).</summary>
    public static Task<(int Exit, string Output)> TestRulesAsync(string path) => RunAsync(null, "test", "rules", path);

    private static async Task<(int Exit, string Output)> RunAsync(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("promtool") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
