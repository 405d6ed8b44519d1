using System.Text.RegularExpressions;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// `bash scripts/install.sh --prefix TEMP` of this checkout, run once for every test class that uses the installed
/// program as a user would (<see cref="InstallTests"/>, <see cref="HowToCommandsTests"/>): each ReadyToRun publish is
/// minutes of compiling. Installing does not depend on the storage backends, so it happens in the sqlite lane only and
/// the tests skip elsewhere. A failed install is kept and reported by every test that needs it.
/// </summary>
public sealed partial class InstalledGhostCrate : IAsyncLifetime
{
    public const string Collection = "installed ghostcrate";

    private string? _skipReason;
    private ProcessResult? _install;

    /// <summary>Holds the prefix; tests make their own folders elsewhere.</summary>
    public string Work { get; } = TempDirs.Create("install");

    public string Prefix => Path.Combine(Work, "prefix");

    /// <summary>PATH with the prefix's bin/ first, as the install script tells users to set it.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["PATH"] = $"{Path.Combine(Prefix, "bin")}:{System.Environment.GetEnvironmentVariable("PATH")}",
    };

    /// <summary>The install's output; skips the test outside the sqlite lane, fails it when the install failed.</summary>
    public ProcessResult Install
    {
        get
        {
            if (_skipReason is not null) Assert.Skip(_skipReason);
            Assert.True(_install is { Succeeded: true }, _install?.Describe() ?? "the install did not run");
            return _install!;
        }
    }

    /// <summary>The commit scripts/publish.sh said it stamped (the checkout's HEAD when its build started).</summary>
    public string AnnouncedCommit => AnnouncedCommitOf(Install);

    public static string AnnouncedCommitOf(ProcessResult publish)
    {
        var match = Announcement().Match(publish.StdOut);
        Assert.True(match.Success, $"publish.sh did not say which commit it stamps:\n{publish.Describe()}");
        return match.Groups[1].Value;
    }

    public async ValueTask InitializeAsync()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite)
        {
            _skipReason = "the installed program does not depend on the storage backends; it is installed and run in the sqlite lane";
            return;
        }
        // Generous: publish.sh waits for any other publish of this checkout (ReleaseArchiveTests) before its own compile.
        _install = await ProcessRunner.RunAsync("bash", [Path.Combine(RepositoryRoot.Path, "scripts", "install.sh"), "--prefix", Prefix], Work,
            timeout: TimeSpan.FromMinutes(40));
    }

    public ValueTask DisposeAsync()
    {
        TempDirs.Delete(Work);
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"^==> publishing ghostcrate for \S+ at commit (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Announcement();
}

[CollectionDefinition(InstalledGhostCrate.Collection)]
public sealed class InstalledGhostCrateCollection : ICollectionFixture<InstalledGhostCrate>
{
}
