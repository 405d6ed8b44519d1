using System.Diagnostics;
using System.Text;

namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// Runs the `git` command line (LibGit2Sharp does not restore here, and the CLI is what operators already trust for
/// fetching the crates.io index). Prompts are switched off so a sync never hangs waiting for a password.
/// </summary>
internal static class GitCli
{
    public static ProcessStartInfo StartInfo(string? gitDir, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (gitDir is not null)
        {
            psi.ArgumentList.Add("--git-dir");
            psi.ArgumentList.Add(gitDir);
        }
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_ASKPASS"] = "true";
        psi.Environment["LC_ALL"] = "C";
        return psi;
    }

    /// <summary>Runs git to the end; returns stdout, or throws with git's own message.</summary>
    public static async Task<string> RunAsync(string? gitDir, IEnumerable<string> arguments, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var psi = StartInfo(gitDir, arguments);
        using var process = Process.Start(psi) ?? throw new MirrorException("could not start `git` (is it installed?)");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout;
        if (process.ExitCode != 0 && !allowFailure)
            throw new MirrorException($"`git {string.Join(' ', psi.ArgumentList)}` failed ({process.ExitCode}): {(await stderr).Trim()}");
        return process.ExitCode == 0 ? output : "";
    }

    /// <summary>Streams NUL-terminated records from git's stdout (`-z` output), one at a time.</summary>
    public static async IAsyncEnumerable<string> StreamRecordsAsync(string gitDir, IEnumerable<string> arguments,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var psi = StartInfo(gitDir, arguments);
        using var process = Process.Start(psi) ?? throw new MirrorException("could not start `git`");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var reader = process.StandardOutput;
        var record = new StringBuilder();
        var buffer = new char[8192];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == '\0')
                    {
                        yield return record.ToString();
                        record.Clear();
                    }
                    else
                    {
                        record.Append(buffer[i]);
                    }
                }
            }
            await process.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        if (process.ExitCode != 0)
            throw new MirrorException($"`git {string.Join(' ', psi.ArgumentList)}` failed ({process.ExitCode}): {(await stderr).Trim()}");
    }
}
