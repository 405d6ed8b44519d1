using System.Diagnostics;
using System.Text;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>A documented long-running command (`ghostcrate serve ...`) run by bash until /health/ready answers 200.</summary>
public sealed class BackgroundCommand : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BackgroundCommand(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<BackgroundCommand> StartAsync(string commandLine, string workingDirectory, IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken, int? port = null)
    {
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(commandLine);
        var env = new Dictionary<string, string?>(environment);
        // Without a port in the command line, `ghostcrate serve` listens on 127.0.0.1:8000, which another program
        // may hold on a shared machine: GHOSTCRATE_Urls (below the command line's flags) moves it to a free one.
        if (port is null)
        {
            port = GhostCrateServer.FreePort();
            env["GHOSTCRATE_Urls"] = $"http://127.0.0.1:{port}";
        }
        ProcessRunner.ApplyEnvironment(psi, env);
        var command = new BackgroundCommand(Process.Start(psi)!, port.Value);
        command._process.OutputDataReceived += (_, e) => command.Append(e.Data);
        command._process.ErrorDataReceived += (_, e) => command.Append(e.Data);
        command._process.BeginOutputReadLine();
        command._process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        if (await ReadinessPoll.WaitAsync(http, "health/ready", () => command._process.HasExited, GhostCrateServer.StartTimeout, cancellationToken)) return command;
        Assert.False(command._process.HasExited, $"`{commandLine}` exited:\n{command.Output}");
        await command.DisposeAsync();
        throw new Xunit.Sdk.XunitException($"`{commandLine}` did not become ready within {GhostCrateServer.StartTimeout}:\n{command.Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        ProcessRunner.KillTree(_process);
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
