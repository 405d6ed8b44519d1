using System.Text.RegularExpressions;
using GhostCrate.EndToEnd.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace GhostCrate.EndToEnd;

/// <summary>
/// CONTRIBUTING.md, the contributor's front door, read as a new contributor would follow it: every file, folder, link
/// and test class it names exists, its "Where things live" table has a row for every project under src/, and its
/// commands run as written (taken from the guide's own code blocks and inline code, <see cref="DocBlocks"/>):
/// `dotnet run ... serve` serves with data in ./data of the directory it is typed in, the install line is the script
/// <see cref="InstallTests"/> runs (with a temporary prefix; not again here: it is minutes of compiling), each `scripts/test.sh` line selects what its comment says (its `--list`
/// prints the selection without running it: running the suite inside the suite is not possible) and `bench/run.sh`
/// accepts the flags the guide names. `dotnet build GhostCrate.slnx -c Release` is the command scripts/test.sh builds
/// with before any test runs (and `make build`'s, <see cref="MakefileTests"/>); it is not run a second time here.
/// </summary>
public sealed partial class ContributingGuideTests
{
    private const string Guide = "CONTRIBUTING.md";

    private static string Root => RepositoryRoot.Path;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Text => File.ReadAllText(Path.Combine(Root, Guide));

    private static void SqliteLaneOnly()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("the guide does not depend on the storage backends; checked in the sqlite lane");
    }

    [Fact]
    public void Every_file_folder_link_and_test_class_the_guide_names_exists()
    {
        SqliteLaneOnly();
        var text = Text;
        var missing = new List<string>();

        foreach (var link in Link().Matches(text).Select(m => m.Groups[1].Value).Where(l => !l.Contains("://", StringComparison.Ordinal)))
            if (!Exists(link.Split('#')[0])) missing.Add($"link {link}");

        // Inline code and the words of the code blocks' commands that are paths in the repository.
        var words = DocBlocks.InlineCode(Guide).Concat(DocBlocks.Load(Guide).AllCommands)
            .SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var paths = words.Where(w => RepositoryPath().IsMatch(w)).Distinct(StringComparer.Ordinal).ToList();
        Assert.Contains("scripts/test.sh", paths); // the scan sees the guide's paths
        missing.AddRange(paths.Where(p => !Exists(p)).Select(p => $"path {p}"));

        // The table's scripts row names files under scripts/.
        var scriptsRow = text.Split('\n').Single(l => l.StartsWith("| `scripts/` |", StringComparison.Ordinal));
        foreach (var script in InlineSpan().Matches(scriptsRow).Select(m => m.Groups[1].Value).Where(s => s.EndsWith(".sh", StringComparison.Ordinal)))
            if (!Exists("scripts/" + script)) missing.Add($"scripts/{script} (the table's scripts row)");

        // Each test class the guide points at.
        var testSources = Directory.GetFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        var classes = DocBlocks.InlineCode(Guide).Where(s => TestClass().IsMatch(s)).Distinct().ToList();
        Assert.Contains("InstallTests", classes);
        foreach (var name in classes)
            if (!testSources.Any(s => s.Contains($"class {name}", StringComparison.Ordinal))) missing.Add($"test class {name}");

        Assert.True(missing.Count == 0, $"{Guide} names what does not exist:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void The_where_things_live_table_has_a_row_for_every_project_under_src()
    {
        SqliteLaneOnly();
        var rows = Text.Split('\n').Where(l => l.StartsWith("| `src/", StringComparison.Ordinal))
            .Select(l => InlineSpan().Match(l).Groups[1].Value.TrimEnd('/')).ToList();
        var projects = Directory.GetDirectories(Path.Combine(Root, "src")).Select(d => "src/" + Path.GetFileName(d)).ToList();
        Assert.NotEmpty(projects);
        var unlisted = projects.Where(p => !rows.Any(r => Glob(r).IsMatch(p))).ToList();
        Assert.True(unlisted.Count == 0, $"{Guide}'s \"Where things live\" has no row for {string.Join(", ", unlisted)}");
    }

    /// <summary>The guide's `dotnet run` line, with the project's path made absolute and `-c CONFIGURATION --no-build`.</summary>
    [Fact]
    public async Task The_guide_s_serve_command_keeps_its_data_in_the_directory_it_is_typed_in()
    {
        SqliteLaneOnly();
        var serve = DocBlocks.Load(Guide).Command("dotnet run --project src/GhostCrate -- serve");
        var work = TempDirs.Create("contributing-serve");
        try
        {
            var local = serve.Replace("--project src/GhostCrate", $"--project {Path.Combine(Root, "src", "GhostCrate")} -c {RepositoryRoot.Configuration} --no-build", StringComparison.Ordinal);
            await using (var served = await BackgroundCommand.StartAsync(local, work, new Dictionary<string, string?>(), Cancel))
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{served.Port}/") };
                var config = await http.GetAsync("index/config.json", Cancel);
                Assert.True(config.IsSuccessStatusCode, $"{(int)config.StatusCode}\n{served.Output}");
            }
            Assert.True(File.Exists(Path.Combine(work, "data", "ghostcrate.db")), "the data is not in ./data of the working directory");
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    /// <summary>
    /// Every `bash ...` command of the guide (code blocks and inline code) is one of the kinds checked here; a new kind
    /// fails until this test knows how to run it.
    /// </summary>
    [Fact]
    public async Task Every_bash_command_of_the_guide_runs_as_written()
    {
        SqliteLaneOnly();
        var commands = DocBlocks.Load(Guide).AllCommands.Concat(DocBlocks.InlineCode(Guide))
            .Where(c => c.StartsWith("bash ", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var testProjects = Directory.GetFiles(Path.Combine(Root, "tests"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => File.ReadAllText(p).Contains("<IsTestProject>true</IsTestProject>", StringComparison.Ordinal))
            .Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal).ToList();
        var checkedTests = 0;
        foreach (var command in commands)
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words[1])
            {
                case "scripts/test.sh":
                    checkedTests++;
                    var listed = await RunAsync(command + " --list");
                    var lines = listed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("filter: ", StringComparison.Ordinal)).ToList();
                    var project = Option(words, "--project");
                    var lane = Option(words, "--lane");
                    var expected = testProjects.Where(p => project is null || p.Contains(project, StringComparison.Ordinal))
                        .SelectMany(p => p == "GhostCrate.EndToEnd"
                            ? (lane is null ? ["sqlite", "postgres-s3", "container"] : new[] { lane }).Select(l => $"{p} [{l}]")
                            : [p])
                        .ToList();
                    Assert.True(expected.Count > 0, $"`{command}`: no test project matches");
                    Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
                    if (Option(words, "--filter") is { } filter)
                    {
                        var sources = Directory.GetFiles(Path.Combine(Root, "tests", Assert.Single(expected)), "*.cs", SearchOption.AllDirectories);
                        if (!sources.Any(s => File.ReadAllText(s).Contains(filter, StringComparison.Ordinal))) Assert.Fail($"`{command}`: no test of {expected[0]} is named after {filter}");
                    }
                    break;
                case "bench/run.sh":
                    // Its options are parsed before --help stops it: an option the script lost is an error (exit 2).
                    await RunAsync(command + " --help");
                    break;
                case "scripts/install.sh":
                    // InstalledGhostCrate runs exactly this with a temporary prefix for InstallTests and the HOWTO tests.
                    Assert.Matches(@"^bash scripts/install\.sh --prefix \S+$", command);
                    await RunAsync("bash -n scripts/install.sh");
                    break;
                default:
                    Assert.Fail($"{Guide} shows `{command}`: make {nameof(ContributingGuideTests)} run it");
                    break;
            }
        }
        Assert.True(checkedTests >= 4, $"only {checkedTests} scripts/test.sh commands found in {Guide}");
    }

    /// <summary>
    /// The rest of the front door the guide points at: the workflow runs `.ci/run` and, on a version tag after the
    /// tests passed, the release script and the image build (scripts that exist, with options they accept);
    /// CODEOWNERS names folders that exist; each issue template has the front matter GitHub needs.
    /// </summary>
    [Fact]
    public void The_workflow_codeowners_and_templates_point_at_what_exists()
    {
        SqliteLaneOnly();
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, ".github", "workflows", "ci.yml"))) yaml.Load(reader);
        var jobs = (YamlMappingNode)((YamlMappingNode)yaml.Documents.Single().RootNode)["jobs"];
        IReadOnlyList<string> Runs(string job) => ((YamlSequenceNode)((YamlMappingNode)jobs[job])["steps"]).Children.Cast<YamlMappingNode>()
            .Where(step => step.Children.ContainsKey(new YamlScalarNode("run"))).SelectMany(step => ((YamlScalarNode)step["run"]).Value!.Split('\n')).ToList();
        Assert.Contains(Runs("test"), r => r.EndsWith("bash .ci/run", StringComparison.Ordinal));
        var release = (YamlMappingNode)jobs["release"];
        Assert.Equal("test", ((YamlScalarNode)release["needs"]).Value);
        Assert.Contains("refs/tags/v", ((YamlScalarNode)release["if"]).Value, StringComparison.Ordinal);
        foreach (var (script, option) in new[] { ("scripts/release.sh", "--out"), ("deploy/container/build.sh", "--archive") })
        {
            var line = Assert.Single(Runs("release"), r => r.Contains($"bash {script} ", StringComparison.Ordinal));
            Assert.Contains(option, line, StringComparison.Ordinal);
            Assert.Contains($"{option})", File.ReadAllText(Path.Combine(Root, script)), StringComparison.Ordinal); // the script parses it
        }

        var owners = File.ReadAllLines(Path.Combine(Root, ".github", "CODEOWNERS")).Where(l => l.StartsWith('/')).Select(l => l.Split(' ')[0]).ToList();
        Assert.NotEmpty(owners);
        Assert.All(owners, o => Assert.True(Directory.Exists(Path.Combine(Root, o.Trim('/'))), $".github/CODEOWNERS names {o}, which does not exist"));

        var templates = Directory.GetFiles(Path.Combine(Root, ".github", "ISSUE_TEMPLATE"), "*.md");
        Assert.NotEmpty(templates);
        Assert.All(templates, t => Assert.Matches(@"^---\nname: .+\nabout: .+\n(.*\n)*?---\n", File.ReadAllText(t)));
        Assert.True(File.Exists(Path.Combine(Root, ".github", "pull_request_template.md")));
    }

    private static async Task<ProcessResult> RunAsync(string command)
    {
        var run = await ProcessRunner.RunAsync("bash", ["-c", command], Root, cancellationToken: Cancel);
        Assert.True(run.Succeeded, run.Describe());
        return run;
    }

    private static string? Option(string[] words, string name) => Array.IndexOf(words, name) is var i and >= 0 && i + 1 < words.Length ? words[i + 1] : null;

    private static bool Exists(string relative)
    {
        var path = relative.TrimEnd('/');
        if (!path.Contains('*', StringComparison.Ordinal)) return File.Exists(Path.Combine(Root, path)) || Directory.Exists(Path.Combine(Root, path));
        var folder = Path.Combine(Root, Path.GetDirectoryName(path) ?? "");
        return Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder, Path.GetFileName(path)).Any();
    }

    private static Regex Glob(string pattern) => new("^" + Regex.Escape(pattern).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$");

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    /// <summary>A code span within one line of a table (its first is the row's path).</summary>
    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex InlineSpan();

    [GeneratedRegex(@"^(src|tests|scripts|deploy|bench|docs|\.github|\.ci)/[\w.*/-]*$|^(Makefile|global\.json|Directory\.Packages\.props|GhostCrate\.slnx)$")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex(@"^[A-Z]\w+Tests$")]
    private static partial Regex TestClass();
}
