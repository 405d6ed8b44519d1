using System.Diagnostics;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// Reads the advisory files from where `--from` or Advisories:SyncFrom points: a directory or tarball
/// (<see cref="AdvisoryArchiveReader"/>), or a git URL, cloned shallow with the system's git into a temporary
/// directory that is deleted afterwards. Offline first: the git form is for a registry that can reach the repository.
/// </summary>
public static class AdvisorySource
{
    /// <summary>How long a clone may take before it is stopped (the full advisory-db is a few MiB).</summary>
    public static readonly TimeSpan CloneTimeout = TimeSpan.FromMinutes(5);

    private static readonly string[] GitSchemes = ["https://", "http://", "ssh://", "git://", "file://"];

    public static bool IsGitUrl(string from) =>
        GitSchemes.Any(s => from.StartsWith(s, StringComparison.OrdinalIgnoreCase)) || (from.Contains('@') && from.Contains(':') && from.EndsWith(".git", StringComparison.Ordinal));

    public static async Task<IReadOnlyList<AdvisoryFile>> ReadAsync(string from, AdvisoryLimits limits, CancellationToken cancellationToken)
    {
        if (!IsGitUrl(from)) return await AdvisoryArchiveReader.ReadAsync(from, limits, cancellationToken);
        var checkout = Directory.CreateTempSubdirectory("ghostcrate-advisory-db-");
        try
        {
            await CloneAsync(from, checkout.FullName, cancellationToken);
            return await AdvisoryArchiveReader.ReadAsync(checkout.FullName, limits, cancellationToken);
        }
        finally
        {
            checkout.Delete(recursive: true);
        }
    }

    private static async Task CloneAsync(string url, string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        // `--` ends the options: a URL can never be read as one. No prompt: a job has nobody to answer it.
        foreach (var arg in new[] { "clone", "--depth", "1", "--quiet", "--", url, directory }) start.ArgumentList.Add(arg);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new AdvisoryFormatException("could not start git");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new AdvisoryFormatException($"cannot clone {url}: git is not installed ({e.Message})");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CloneTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (cancellationToken.IsCancellationRequested) throw;
                throw new AdvisoryFormatException($"cloning {url} took longer than {CloneTimeout.TotalMinutes} minutes");
            }
            if (process.ExitCode != 0)
                throw new AdvisoryFormatException($"git clone {url} failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        }
    }
}
