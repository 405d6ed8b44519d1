using System.Diagnostics;
using GhostCrate.Core.Advisories;

namespace GhostCrate.Core.Tests.Advisories;

/// <summary>`--from GIT-URL` and Advisories:SyncFrom with a git URL: a shallow clone with the system's git (a local repository here).</summary>
public sealed class AdvisorySourceTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("gc-advisory-source-").FullName;

    private static async Task GitAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "init.defaultBranch=main" }.Concat(args)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
    }

    [Theory]
    [InlineData("https://github.com/rustsec/advisory-db.git", true)]
    [InlineData("file:///srv/advisory-db.git", true)]
    [InlineData("ssh://git@example.com/advisory-db.git", true)]
    [InlineData("git@example.com:rustsec/advisory-db.git", true)]
    [InlineData("/srv/advisory-db", false)]
    [InlineData("/srv/advisory-db.tar.gz", false)]
    [InlineData("advisory-db", false)]
    public void Git_urls_are_told_from_paths(string from, bool isGit) => Assert.Equal(isGit, AdvisorySource.IsGitUrl(from));

    [Fact]
    public async Task A_git_url_is_cloned_and_read_like_a_directory_and_a_bad_one_is_an_error()
    {
        var repository = Path.Combine(_work, "advisory-db");
        Directory.CreateDirectory(Path.Combine(repository, "crates", "smallvec"));
        await File.WriteAllTextAsync(Path.Combine(repository, "crates", "smallvec", "RUSTSEC-2021-0003.md"), "```toml\n[advisory]\nid = \"RUSTSEC-2021-0003\"\n```\n");
        await File.WriteAllTextAsync(Path.Combine(repository, "README.md"), "not an advisory: only crates/*/RUSTSEC-*.md are read");
        await GitAsync(repository, "init", "-q");
        await GitAsync(repository, "add", ".");
        await GitAsync(repository, "commit", "-qm", "advisories");

        var files = await AdvisorySource.ReadAsync("file://" + repository, AdvisoryLimits.Default, CancellationToken.None);

        Assert.Equal("crates/smallvec/RUSTSEC-2021-0003.md", Assert.Single(files).Path);

        var missing = await Assert.ThrowsAsync<AdvisoryFormatException>(() => AdvisorySource.ReadAsync("file://" + Path.Combine(_work, "nowhere"), AdvisoryLimits.Default, CancellationToken.None));
        Assert.Contains("git clone", missing.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
