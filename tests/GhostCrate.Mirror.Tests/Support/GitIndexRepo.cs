using System.Diagnostics;

namespace GhostCrate.Mirror.Tests.Support;

/// <summary>A git index repository made with the git CLI from an upstream's sparse files, as crates.io-index is laid out.</summary>
public sealed class GitIndexRepo : IDisposable
{
    public GitIndexRepo(string dl)
    {
        Path = TempDir.Create("git-index");
        Git("init", "--quiet", "--initial-branch", "master");
        File.WriteAllText(System.IO.Path.Combine(Path, "config.json"), $"{{\"dl\":\"{dl}\",\"api\":\"https://example.invalid\"}}\n");
    }

    public string Path { get; }
    public string Url => new Uri(Path).AbsoluteUri;

    /// <summary>Copies each crate's current index file from the upstream and commits.</summary>
    public async Task CommitFromAsync(UpstreamRegistry upstream, IEnumerable<string> names, string message)
    {
        foreach (var name in names.Distinct())
        {
            var target = System.IO.Path.Combine(Path, Protocol.Index.IndexPath.ForCrate(name));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            await File.WriteAllTextAsync(target, await upstream.IndexFileAsync(name));
        }
        Git("add", "-A");
        Git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-m", message);
    }

    public void Remove(string name, string message)
    {
        Git("rm", "--quiet", Protocol.Index.IndexPath.ForCrate(name));
        Git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-m", message);
    }

    private void Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var err = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {err}");
    }

    public void Dispose() => TempDir.Delete(Path);
}
