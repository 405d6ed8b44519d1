using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GhostCrate.Testing;

/// <summary>
/// A throwaway service of the test lanes, started by the same script as scripts/test.sh uses
/// (scripts/services/NAME.sh start DIR), for tests that need one of their own: one they may stop (a database outage)
/// or change (an OpenID provider that rotates its keys) without disturbing the shared one. Disposing stops it and
/// deletes DIR.
/// </summary>
public sealed partial class ServiceScript : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);

    private readonly string _name;

    private ServiceScript(string name, string directory, IReadOnlyDictionary<string, string> environment)
    {
        _name = name;
        Directory = directory;
        Environment = environment;
    }

    /// <summary>The service's work dir (pid, log, env).</summary>
    public string Directory { get; }

    /// <summary>The variables of DIR/env, e.g. GHOSTCRATE_TEST_POSTGRES or GHOSTCRATE_TEST_OIDC_ISSUER.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; private set; }

    /// <summary>
    /// Starts scripts/services/<paramref name="name"/>.sh in a new temporary directory; <paramref name="prepare"/>
    /// first writes what the script reads from it (a certificate the test made, for example).
    /// </summary>
    public static async Task<ServiceScript> StartAsync(string name, Func<string, Task>? prepare = null)
    {
        // Reachable by the postgres OS user: postgres.sh runs the server as that user when we are root.
        var directory = Path.Combine(Path.GetTempPath(), $"gc-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var service = new ServiceScript(name, directory, new Dictionary<string, string>());
        if (prepare is not null) await prepare(directory);
        await service.StartAgainAsync();
        return service;
    }

    /// <summary>Starts the service again after <see cref="StopAsync"/> (same directory, so the same data).</summary>
    public async Task StartAgainAsync()
    {
        await RunAsync("start");
        Environment = ParseEnv(await File.ReadAllTextAsync(Path.Combine(Directory, "env")));
    }

    public Task StopAsync() => RunAsync("stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
            catch (UnauthorizedAccessException)
            {
                // Files owned by the postgres user; harmless too.
            }
        }
    }

    private async Task RunAsync(string verb)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(RepositoryRoot, "scripts", "services", $"{_name}.sh"));
        psi.ArgumentList.Add(verb);
        psi.ArgumentList.Add(Directory);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/services/{_name}.sh {verb} {Directory} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static Dictionary<string, string> ParseEnv(string text) =>
        EnvLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^export (\w+)='([^']*)'$", RegexOptions.Multiline)]
    private static partial Regex EnvLine();

    /// <summary>The checkout this test assembly was built from (the folder holding GhostCrate.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "GhostCrate.slnx"))) return dir.FullName;
            }
            throw new InvalidOperationException($"no GhostCrate.slnx above {AppContext.BaseDirectory}");
        }
    }
}
