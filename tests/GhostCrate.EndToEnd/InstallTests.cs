using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// How a new user gets the `ghostcrate` executable: scripts/install.sh builds and installs it into a prefix, and the
/// README's commands then work from any directory, keeping their data in ./data of that directory (the installed
/// program and `dotnet run` alike).
/// </summary>
public sealed class InstallTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_install_script_puts_ghostcrate_on_the_path_and_data_stays_in_the_working_directory()
    {
        // Building and installing is independent of the storage backends: one lane proves it.
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("the install script is independent of the storage backends; it runs in the sqlite lane");
        var root = RepositoryRoot.Path;
        var work = TempDirs.Create("install");
        try
        {
            var prefix = Path.Combine(work, "prefix");
            var install = await ProcessRunner.RunAsync("bash", [Path.Combine(root, "scripts", "install.sh"), "--prefix", prefix], work,
                timeout: TimeSpan.FromMinutes(15), cancellationToken: Cancel);
            Assert.True(install.Succeeded, install.Describe());

            var commit = (await ProcessRunner.RunAsync("git", ["rev-parse", "HEAD"], root, cancellationToken: Cancel)).StdOut.Trim();
            var elsewhere = Path.Combine(work, "elsewhere");
            Directory.CreateDirectory(elsewhere);
            var path = new Dictionary<string, string?> { ["PATH"] = $"{Path.Combine(prefix, "bin")}:{Environment.GetEnvironmentVariable("PATH")}" };

            // `ghostcrate` is found through PATH from a directory that has nothing to do with the checkout.
            var version = await ProcessRunner.RunAsync("ghostcrate", ["--version"], elsewhere, path, cancellationToken: Cancel);
            Assert.True(version.Succeeded, version.Describe());
            Assert.Matches(@"^ghostcrate \d+\.\d+\.\d+\S* \(commit [0-9a-f]{12}\)$", version.StdOut.Trim());
            Assert.Contains($"(commit {commit[..12]})", version.StdOut);

            // The README's admin commands, as written, against ./data of the directory they run in.
            var user = await ProcessRunner.RunAsync("ghostcrate", ["admin", "user", "add", "alice"], elsewhere, path, cancellationToken: Cancel);
            Assert.True(user.Succeeded, user.Describe());
            var token = await ProcessRunner.RunAsync("ghostcrate", ["admin", "token", "create", "--user", "alice", "--name", "laptop"], elsewhere, path, cancellationToken: Cancel);
            Assert.True(token.Succeeded, token.Describe());
            Assert.Contains("gcr_", token.StdOut);
            Assert.True(File.Exists(Path.Combine(elsewhere, "data", "ghostcrate.db")), "the database is in ./data of the working directory");

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
}
