using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// How a new user gets the `ghostcrate` executable: scripts/install.sh builds and installs it into a prefix, and the
/// README's commands then work from any directory, keeping their data in ./data of that directory (the installed
/// program and `dotnet run` alike), and docs/backup-and-restore.md runs as written, taken from the document's own code
/// blocks (only /srv/... paths and ports are replaced). The other HOWTOs: <see cref="HowToCommandsTests"/>.
/// </summary>
[Collection(InstalledGhostCrate.Collection)]
public sealed class InstallTests(InstalledGhostCrate installed)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_install_script_puts_ghostcrate_on_the_path_and_data_stays_in_the_working_directory()
    {
        var install = installed.Install;
        var root = RepositoryRoot.Path;
        var work = TempDirs.Create("install-run");
        try
        {
            var elsewhere = Path.Combine(work, "elsewhere");
            Directory.CreateDirectory(elsewhere);
            var path = installed.Environment;

            // `ghostcrate` is found through PATH from a directory that has nothing to do with the checkout, and names the
            // commit the build started from (the commit is read from git under publish.sh's lock, so a commit made in the
            // checkout while the tests run can move HEAD past it: compared with what publish.sh announced).
            var version = await ProcessRunner.RunAsync("ghostcrate", ["--version"], elsewhere, path, cancellationToken: Cancel);
            Assert.True(version.Succeeded, version.Describe());
            Assert.Matches(@"^ghostcrate \d+\.\d+\.\d+\S* \(commit [0-9a-f]{12}\)$", version.StdOut.Trim());
            Assert.Contains($"(commit {installed.AnnouncedCommit[..12]})", version.StdOut);
            Assert.Contains($"(commit {installed.AnnouncedCommit[..12]})", install.StdOut);
            var ancestor = await ProcessRunner.RunAsync("git", ["merge-base", "--is-ancestor", installed.AnnouncedCommit, "HEAD"], root, cancellationToken: Cancel);
            Assert.True(ancestor.Succeeded, $"the stamped commit {installed.AnnouncedCommit} is not HEAD or one of its ancestors\n{ancestor.Describe()}");

            // The README's admin commands, as written, against ./data of the directory they run in.
            var user = await ProcessRunner.RunAsync("ghostcrate", ["admin", "user", "add", "alice"], elsewhere, path, cancellationToken: Cancel);
            Assert.True(user.Succeeded, user.Describe());
            var token = await ProcessRunner.RunAsync("ghostcrate", ["admin", "token", "create", "--user", "alice", "--name", "laptop"], elsewhere, path, cancellationToken: Cancel);
            Assert.True(token.Succeeded, token.Describe());
            Assert.Contains("gcr_", token.StdOut);
            Assert.True(File.Exists(Path.Combine(elsewhere, "data", "ghostcrate.db")), "the database is in ./data of the working directory");

            // The README's `ghostcrate serve`, typed in that directory, serves that ./data: the token made above works.
            await using (var served = await BackgroundCommand.StartAsync("ghostcrate serve", elsewhere, path, Cancel))
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{served.Port}/") };
                using var me = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
                me.Headers.TryAddWithoutValidation("Authorization", Regex.Match(token.StdOut, @"gcr_\S+").Value);
                using var answer = await http.SendAsync(me, Cancel);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(Cancel)}\n{served.Output}");
            }

            await RunBackupHowToAsync(work, Path.Combine(elsewhere, "data"), path);

            // The README's `dotnet run --project src/GhostCrate -- ...` keeps data in ./data of the directory it is typed
            // in, not under src/GhostCrate/data (dotnet run's default working directory is the project's).
            var clone = Path.Combine(work, "from-root");
            Directory.CreateDirectory(clone);
            var run = await ProcessRunner.RunAsync("dotnet",
                ["run", "--project", Path.Combine(root, "src", "GhostCrate"), "-c", RepositoryRoot.Configuration, "--no-build", "--", "admin", "user", "add", "bob"],
                clone, cancellationToken: Cancel);
            Assert.True(run.Succeeded, run.Describe());
            Assert.True(File.Exists(Path.Combine(clone, "data", "ghostcrate.db")), run.Describe());
            Assert.False(File.Exists(Path.Combine(root, "src", "GhostCrate", "data", "ghostcrate.db")), "dotnet run put the data under the project folder");
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    /// <summary>
    /// docs/backup-and-restore.md as a user follows it with the installed program: back up (keeping `$B`), verify,
    /// restore, serve the restored copy, list, prune, and the restore drill. Each command is the document's own line.
    /// </summary>
    private static async Task RunBackupHowToAsync(string work, string dataDir, IReadOnlyDictionary<string, string?> path)
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "backup-and-restore.md"));
        var blocks = Regex.Matches(doc, "```sh\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        string Block(string firstLine) => blocks.SingleOrDefault(b => b.StartsWith(firstLine, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"docs/backup-and-restore.md has no sh block starting with `{firstLine}` any more: update {nameof(InstallTests)}");
        string Line(string block, string start) => block.Split('\n').SingleOrDefault(l => l.StartsWith(start, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"docs/backup-and-restore.md: no line starting with `{start}` in\n{block}");

        // /srv/ghostcrate is the registry's data directory: here the one the README's commands just made.
        var srv = Path.Combine(work, "srv");
        Directory.CreateDirectory(srv);
        Directory.CreateSymbolicLink(Path.Combine(srv, "ghostcrate"), dataDir);
        string Here(string text) => text.Replace("/srv/", srv + "/", StringComparison.Ordinal).Replace("/tmp/restore-drill", Path.Combine(work, "restore-drill"), StringComparison.Ordinal);

        var restoreBlock = Block("systemctl stop ghostcrate");
        var drill = Block("env -u GHOSTCRATE_Database__Provider");
        var script = new StringBuilder("set -euo pipefail\n")
            .AppendLine(Block("B=$(ghostcrate backup create"))
            .AppendLine(Block("ghostcrate backup verify \"$B\""))
            .AppendLine(Line(restoreBlock, "ghostcrate backup restore"))
            .AppendLine(Block("ghostcrate backup list /srv/backups"))
            .AppendLine(Block("ghostcrate backup prune /srv/backups"))
            // The drill's first line opens an interactive shell without two variables; they are not set here.
            .AppendLine(Line(drill, "time ghostcrate backup verify"))
            .AppendLine(Line(drill, "time ghostcrate backup restore"))
            .ToString();
        var run = await ProcessRunner.RunAsync("bash", ["-c", Here(script)], work, path, timeout: TimeSpan.FromMinutes(5), cancellationToken: Cancel);
        Assert.True(run.Succeeded, run.Describe());
        Assert.True(File.Exists(Path.Combine(srv, "ghostcrate-restored", "ghostcrate.db")), run.Describe());
        Assert.True(File.Exists(Path.Combine(work, "restore-drill", "ghostcrate.db")), run.Describe());

        // The restored copy and the drill's copy serve (the drill names its own port, moved to a free one here).
        await using (await BackgroundCommand.StartAsync(Here(Line(restoreBlock, "ghostcrate serve")), work, path, Cancel)) { }
        var drillServe = Line(drill, "ghostcrate serve");
        Assert.Contains("--urls http://127.0.0.1:8001", drillServe);
        var drillPort = GhostCrateServer.FreePort();
        await using (await BackgroundCommand.StartAsync(Here(drillServe).Replace(":8001", $":{drillPort}", StringComparison.Ordinal), work, path, Cancel, drillPort)) { }
    }
}
