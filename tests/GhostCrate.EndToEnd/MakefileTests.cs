using System.Text.RegularExpressions;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The Makefile is the contributor's shortcut to the scripts (CONTRIBUTING.md): it has exactly the targets the documents
/// name, each target runs the command the documents give for the same job (`make -n` shows it; the expensive ones,
/// build, test, bench, release, image and install, are not run here: CI runs their scripts), `make lint` runs for real
/// and fails on a broken file, and `make mirror-sample` mirrors for real, from this class's GhostCrate standing in for
/// crates.io (its upstream, crates and directory are Makefile variables).
/// </summary>
public sealed partial class MakefileTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    private static string Root => RepositoryRoot.Path;

    private static void SqliteLaneOnly()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("the Makefile does not depend on the storage backends; checked in the sqlite lane");
    }

    [Fact]
    public void The_makefile_has_exactly_the_targets_the_documents_name()
    {
        SqliteLaneOnly();
        var makefile = File.ReadAllText(Path.Combine(Root, "Makefile"));
        var targets = Rule().Matches(makefile).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
        var phony = Phony().Match(makefile).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        // Every target is a command, not a file: a file called `test` must not stop `make test` from running.
        Assert.Equal(targets, phony);

        var guide = File.ReadAllText(Path.Combine(Root, "CONTRIBUTING.md"));
        var listed = GuideList().Match(guide);
        Assert.True(listed.Success, "CONTRIBUTING.md no longer lists the Makefile's targets as `make a|b|...`");
        Assert.Equal(listed.Groups[1].Value.Split('|').Order(StringComparer.Ordinal), targets);

        // Any `make X` a document shows (inline or in a sh block) is a target.
        foreach (var document in Documents())
        {
            var text = File.ReadAllText(Path.Combine(Root, document));
            var named = InlineMake().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(DocBlocks.Load(document).AllCommands.Where(c => c.StartsWith("make ", StringComparison.Ordinal)).Select(c => c.Split(' ')[1]));
            foreach (var target in named.SelectMany(n => n.Split('|')))
                if (!targets.Contains(target)) Assert.Fail($"{document} names `make {target}`, which the Makefile does not have");
        }
    }

    [Fact]
    public async Task Each_target_runs_the_command_the_documents_give_for_its_job()
    {
        SqliteLaneOnly();
        var home = TempDirs.Create("make-home");
        try
        {
            var documented = Documents().SelectMany(DocumentedCommands).ToList();
            async Task Documented(string because, params string[] args)
            {
                var commands = await DryRunAsync(home, args);
                Assert.True(commands.Count == 1, $"make {string.Join(' ', args)} runs {commands.Count} commands:\n{string.Join('\n', commands)}");
                // The same command, or the same command with options added (e.g. build.sh --archive FILE).
                if (!documented.Any(d => d == commands[0] || d.StartsWith(commands[0] + " --", StringComparison.Ordinal)))
                    Assert.Fail($"make {string.Join(' ', args)} runs `{commands[0]}`, which no document gives for {because}");
            }

            await Documented("building", "build");
            await Documented("running every test", "test");
            await Documented("one project's tests by name", "test", "PROJECT=Web", "FILTER=HostHeader");
            await Documented("one end-to-end lane", "test", "PROJECT=EndToEnd", "LANE=sqlite");
            await Documented("the benchmark", "bench");
            await Documented("the release archives", "release");
            await Documented("the container image", "image");

            // CONTRIBUTING.md's `--prefix ~/.local` is the Makefile's default PREFIX.
            var install = Assert.Single(await DryRunAsync(home, "install"));
            var guideInstall = DocBlocks.Load("CONTRIBUTING.md").Command("bash scripts/install.sh");
            Assert.Equal(guideInstall.Replace("~", home, StringComparison.Ordinal), install);

            // mirror-sample builds first, then runs the documented `mirror init` and `mirror sync` through dotnet run.
            var sample = await DryRunAsync(home, "mirror-sample");
            Assert.Equal(3, sample.Count);
            Assert.Equal(Assert.Single(await DryRunAsync(home, "build")), sample[0]);
            Assert.Equal("dotnet run --project src/GhostCrate -c Release --no-build -- mirror init mirror-sample --upstream sparse+https://index.crates.io/ --crates serde,itoa", sample[1]);
            Assert.Equal("dotnet run --project src/GhostCrate -c Release --no-build -- mirror sync mirror-sample --plain", sample[2]);

            var lint = await DryRunAsync(home, "lint");
            Assert.Contains(lint, c => c.StartsWith("yamllint --strict ", StringComparison.Ordinal));
            Assert.Contains(lint, c => c.StartsWith("systemd-analyze verify ", StringComparison.Ordinal));
            Assert.Contains(lint, c => c.StartsWith("bash -n ", StringComparison.Ordinal));
        }
        finally
        {
            TempDirs.Delete(home);
        }
    }

    /// <summary>`make lint` passes on the checkout and fails, naming the file, on a copy with one broken YAML file.</summary>
    [Fact]
    public async Task Make_lint_passes_here_and_fails_on_a_broken_file()
    {
        SqliteLaneOnly();
        var clean = await ProcessRunner.RunAsync("make", ["--no-print-directory", "lint"], Root, timeout: TimeSpan.FromMinutes(3), cancellationToken: Cancel);
        Assert.True(clean.Succeeded, clean.Describe());

        var copy = TempDirs.Create("make-lint");
        try
        {
            foreach (var file in new[] { "Makefile", ".yamllint.yaml" }) File.Copy(Path.Combine(Root, file), Path.Combine(copy, file));
            foreach (var folder in new[] { ".github", "deploy", "scripts" }) CopyFolder(Path.Combine(Root, folder), Path.Combine(copy, folder));
            await File.WriteAllTextAsync(Path.Combine(copy, "deploy", "compose", "broken.yaml"), "services: [ghostcrate\n", Cancel);

            var broken = await ProcessRunner.RunAsync("make", ["--no-print-directory", "lint"], copy, timeout: TimeSpan.FromMinutes(3), cancellationToken: Cancel);

            Assert.False(broken.Succeeded, broken.Describe());
            Assert.Contains("deploy/compose/broken.yaml", broken.StdOut + broken.StdErr);
        }
        finally
        {
            TempDirs.Delete(copy);
        }
    }

    /// <summary>
    /// `make mirror-sample` for real, with its upstream moved to this class's GhostCrate (crates.io is not reachable)
    /// and its directory to a temporary one; `-o build` because the solution this test runs from is already built.
    /// </summary>
    [Fact]
    public async Task Make_mirror_sample_mirrors_the_named_crates_from_the_upstream()
    {
        SqliteLaneOnly();
        var crate = await Cargo.NewLibAsync($"make-sample-{Ids.New()}");
        await Cargo.PublishOkAsync(crate, verify: false);
        var work = TempDirs.Create("make-sample");
        try
        {
            var sample = Path.Combine(work, "sample");
            var run = await ProcessRunner.RunAsync("make",
                ["--no-print-directory", "-o", "build", "mirror-sample", $"CONFIGURATION={RepositoryRoot.Configuration}", $"SAMPLE={sample}",
                    $"SAMPLE_UPSTREAM={Server.CargoIndexUrl}", $"SAMPLE_CRATES={crate.Name}"],
                Root, timeout: TimeSpan.FromMinutes(5), cancellationToken: Cancel);

            Assert.True(run.Succeeded, run.Describe());
            Assert.True(File.Exists(Path.Combine(sample, "crates", crate.Name, $"{crate.Name}-0.1.0.crate")), run.Describe());
            Assert.True(File.Exists(Path.Combine(sample, "mirror.json")), run.Describe());
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    /// <summary>What `make -n` would run, one command per line, spaces collapsed (the Makefile's `$(if ...)` leaves some).</summary>
    private static async Task<IReadOnlyList<string>> DryRunAsync(string home, params string[] args)
    {
        var run = await ProcessRunner.RunAsync("make", ["--no-print-directory", "-n", .. args], Root,
            new Dictionary<string, string?> { ["HOME"] = home }, cancellationToken: Cancel);
        Assert.True(run.Succeeded, run.Describe());
        return run.StdOut.Split('\n').Select(l => Spaces().Replace(l, " ").Trim()).Where(l => l.Length > 0).ToList();
    }

    /// <summary>The README, CONTRIBUTING.md and every document under docs/.</summary>
    private static IEnumerable<string> Documents() =>
        Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Select(p => Path.GetRelativePath(Root, p))
            .Append("README.md").Append("CONTRIBUTING.md").Order(StringComparer.Ordinal);

    /// <summary>A document's commands: those of its sh blocks and its inline code spans.</summary>
    private static IEnumerable<string> DocumentedCommands(string document) => DocBlocks.Load(document).AllCommands.Concat(DocBlocks.InlineCode(document));

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    [GeneratedRegex(@"^([A-Za-z][\w-]*)\s*:(?!=)", RegexOptions.Multiline)]
    private static partial Regex Rule();

    [GeneratedRegex(@"^\.PHONY:(.*)$", RegexOptions.Multiline)]
    private static partial Regex Phony();

    [GeneratedRegex(@"`make ([a-z-]+(?:\|[a-z-]+)+)`")]
    private static partial Regex GuideList();

    [GeneratedRegex(@"`make ([a-z][a-z|-]*)")]
    private static partial Regex InlineMake();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
