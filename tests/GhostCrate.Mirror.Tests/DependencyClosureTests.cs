using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Selection;
using GhostCrate.Mirror.Upstream;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// `selection.resolve` on a synthesized index held in memory: which dependency kinds, targets, renames, yanks and
/// patterns the closure follows, and which versions each mode takes.
/// </summary>
public sealed class DependencyClosureTests
{
    /// <summary>name -> index lines (JSON), as the upstream would serve them.</summary>
    private readonly Dictionary<string, List<string>> _index = new(StringComparer.Ordinal);
    private readonly List<IReadOnlyList<string>> _reads = [];

    private static object Dep(string name, string req, string kind = "normal", bool optional = false, string? target = null, string? package = null, string? registry = null) =>
        new { name, req, features = Array.Empty<string>(), optional, default_features = true, target, kind, registry, package };

    private void Publish(string name, string version, bool yanked = false, params object[] deps) =>
        (_index.TryGetValue(name, out var lines) ? lines : _index[name] = []).Add(JsonSerializer.Serialize(new
        {
            name,
            vers = version,
            deps,
            cksum = new string('c', 64),
            features = new Dictionary<string, string[]>(),
            yanked,
        }));

    private async IAsyncEnumerable<UpstreamIndexFile> Read(IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _reads.Add(names);
        foreach (var name in names)
        {
            await Task.Yield();
            yield return _index.TryGetValue(name, out var lines)
                ? new UpstreamIndexFile(name, Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"))
                : new UpstreamIndexFile(name, null, "the upstream has no such crate (HTTP 404)");
        }
    }

    private Task<DependencyClosure> ResolveAsync(SelectionConfig config)
    {
        var selection = ResolvedSelection.Resolve(config, "/");
        return DependencyClosure.ResolveAsync(selection.NamedCrates, selection.SelectRoot, Read, selection.PatternsAllow,
            config.ResolveMode!.Value, config.ResolveDev, config.SkipYanked, CancellationToken.None);
    }

    private static string[] VersionsOf(DependencyClosure closure, string name) =>
        closure.Versions.TryGetValue(name, out var versions) ? [.. versions] : [];

    /// <summary>An app whose dependencies use every kind of index entry.</summary>
    private void PublishApp()
    {
        Publish("app", "1.0.0", false,
            Dep("lib-a", "^1"),
            Dep("builder", "^0.2", kind: "build"),
            Dep("tester", "^1", kind: "dev"),
            Dep("extra", "^1", optional: true),
            Dep("winonly", "^1", target: "cfg(windows)"),
            Dep("short", "^3", package: "Long-Name"),
            Dep("elsewhere", "^1", registry: "https://example.com/index"));
        Publish("lib-a", "1.0.0");
        Publish("lib-a", "1.1.0", false, Dep("deep", "~1.2"));
        Publish("lib-a", "1.2.0-beta.1");
        Publish("lib-a", "2.0.0", false, Dep("never", "^1"));
        Publish("deep", "1.1.0");
        Publish("deep", "1.2.0");
        Publish("deep", "1.2.5");
        Publish("deep", "1.3.0");
        Publish("builder", "0.2.1");
        Publish("builder", "0.3.0");
        Publish("tester", "1.0.0");
        Publish("extra", "1.0.0");
        Publish("winonly", "1.4.0");
        Publish("long-name", "3.0.1");
        Publish("never", "1.0.0");
    }

    [Fact]
    public async Task All_follows_normal_build_optional_target_specific_and_renamed_dependencies_with_every_matching_version()
    {
        PublishApp();

        var closure = await ResolveAsync(new SelectionConfig { Crates = ["app"], Resolve = "all" });

        Assert.Equal(["1.0.0"], VersionsOf(closure, "app"));
        // Pre-releases match only a requirement that names one; 2.0.0 is outside ^1, so its dependency is not followed.
        Assert.Equal(["1.0.0", "1.1.0"], VersionsOf(closure, "lib-a"));
        Assert.Equal(["1.2.0", "1.2.5"], VersionsOf(closure, "deep"));
        Assert.Equal(["0.2.1"], VersionsOf(closure, "builder"));
        Assert.Equal(["1.0.0"], VersionsOf(closure, "extra"));
        Assert.Equal(["1.4.0"], VersionsOf(closure, "winonly"));
        Assert.Equal(["3.0.1"], VersionsOf(closure, "long-name"));
        Assert.Empty(VersionsOf(closure, "short"));
        Assert.Empty(VersionsOf(closure, "tester"));
        Assert.Empty(VersionsOf(closure, "never"));
        Assert.Empty(VersionsOf(closure, "elsewhere"));
        Assert.Contains(closure.Notes, n => n.Contains("elsewhere from another registry", StringComparison.Ordinal));
        Assert.Equal(["app", "builder", "deep", "extra", "lib-a", "long-name", "winonly"], closure.Files.Keys.Order(StringComparer.Ordinal));
        // One read per round of the breadth-first walk, each file once.
        Assert.Equal(3, _reads.Count);
    }

    [Fact]
    public async Task Dev_dependencies_are_followed_only_when_asked()
    {
        PublishApp();

        var closure = await ResolveAsync(new SelectionConfig { Crates = ["app"], Resolve = "all", ResolveDev = true });

        Assert.Equal(["1.0.0"], VersionsOf(closure, "tester"));
    }

    [Fact]
    public async Task Newest_takes_the_newest_non_yanked_match_of_each_requirement()
    {
        PublishApp();
        Publish("deep", "1.2.9", yanked: true);

        var closure = await ResolveAsync(new SelectionConfig { Crates = ["app"], Resolve = "newest" });

        Assert.Equal(["1.1.0"], VersionsOf(closure, "lib-a"));
        Assert.Equal(["1.2.5"], VersionsOf(closure, "deep"));
        Assert.Equal(["0.2.1"], VersionsOf(closure, "builder"));
    }

    [Fact]
    public async Task All_keeps_yanked_matches_for_existing_lock_files_unless_skip_yanked()
    {
        PublishApp();
        Publish("deep", "1.2.9", yanked: true);

        var all = await ResolveAsync(new SelectionConfig { Crates = ["app"], Resolve = "all" });
        Assert.Equal(["1.2.0", "1.2.5", "1.2.9"], VersionsOf(all, "deep"));

        var skipped = await ResolveAsync(new SelectionConfig { Crates = ["app"], Resolve = "all", SkipYanked = true });
        Assert.Equal(["1.2.0", "1.2.5"], VersionsOf(skipped, "deep"));
    }

    [Fact]
    public async Task Keep_latest_narrows_the_named_crates_only_and_their_dropped_versions_are_not_followed()
    {
        Publish("root", "1.0.0", false, Dep("old-dep", "^1"));
        Publish("root", "2.0.0", false, Dep("new-dep", "^1"));
        Publish("old-dep", "1.0.0");
        Publish("new-dep", "1.0.0");
        Publish("new-dep", "1.1.0");

        var closure = await ResolveAsync(new SelectionConfig { Crates = ["root"], Resolve = "all", KeepLatest = 1 });

        Assert.Equal(["2.0.0"], VersionsOf(closure, "root"));
        Assert.Equal(["1.0.0", "1.1.0"], VersionsOf(closure, "new-dep"));
        Assert.Empty(VersionsOf(closure, "old-dep"));
    }

    [Fact]
    public async Task Cycles_end_and_excluded_or_missing_crates_are_not_followed()
    {
        Publish("ping", "1.0.0", false, Dep("pong", "^1"), Dep("skipped-sys", "^1"), Dep("ghost", "^1"));
        Publish("pong", "1.0.0", false, Dep("ping", "^1"));
        Publish("skipped-sys", "1.0.0", false, Dep("behind", "^1"));
        Publish("behind", "1.0.0");

        var closure = await ResolveAsync(new SelectionConfig { Crates = ["ping"], Resolve = "all", Exclude = ["*-sys"] });

        Assert.Equal(["1.0.0"], VersionsOf(closure, "ping"));
        Assert.Equal(["1.0.0"], VersionsOf(closure, "pong"));
        Assert.False(closure.Versions.ContainsKey("skipped-sys"));
        Assert.False(closure.Versions.ContainsKey("behind"));
        Assert.Empty(VersionsOf(closure, "ghost"));
        Assert.Null(closure.Files["ghost"].Content);
        Assert.Contains(closure.Notes, n => n.StartsWith("ghost: the upstream has no such crate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_closure_pins_exact_versions_and_keep_latest_no_longer_narrows_dependencies()
    {
        var config = new SelectionConfig { Crates = ["root"], Resolve = "all", KeepLatest = 1 };
        var selection = ResolvedSelection.Resolve(config, "/");
        Assert.Null(selection.Pins!["root"]);
        var before = selection.Fingerprint;
        Publish("dep", "1.0.0");
        Publish("dep", "1.1.0");
        var lines = Storage.IndexLine.ParseFile(string.Join('\n', _index["dep"]), out _);

        var closed = selection.WithClosure(await ClosureOfAsync(("root", ["2.0.0"]), ("dep", ["1.0.0", "1.1.0"])));

        Assert.True(closed.Closed);
        Assert.Equal(["1.0.0", "1.1.0"], closed.Select("dep", lines).Select(l => l.Entry.Vers));
        Assert.False(closed.WantsCrate("other"));
        Assert.NotEqual(before, closed.Fingerprint);
    }

    [Theory]
    [InlineData("everything", null, false, "selection.resolve must be")]
    [InlineData("all", null, true, null)]
    [InlineData(null, null, true, "selection.resolveDev needs selection.resolve")]
    [InlineData("all", "empty", false, "selection.resolve needs selection.crates")]
    public void Resolve_settings_are_validated(string? resolve, string? crates, bool dev, string? error)
    {
        var config = new SelectionConfig { Crates = crates == "empty" ? [] : ["app"], Resolve = resolve, ResolveDev = dev };
        var errors = config.Validate().ToList();
        if (error is null) Assert.Empty(errors);
        else Assert.Contains(errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    private Task<DependencyClosure> ClosureOfAsync(params (string Name, string[] Versions)[] crates)
    {
        foreach (var (name, versions) in crates)
        {
            foreach (var version in versions)
            {
                if (!_index.TryGetValue(name, out var existing) || !existing.Any(l => l.Contains($"\"vers\":\"{version}\"", StringComparison.Ordinal))) Publish(name, version);
            }
        }
        var selection = ResolvedSelection.Resolve(new SelectionConfig { Crates = [.. crates.Select(c => c.Name)], Resolve = "all" }, "/");
        var pinned = crates.ToDictionary(c => c.Name, c => c.Versions.ToHashSet());
        return DependencyClosure.ResolveAsync(selection.NamedCrates, (name, lines) => lines.Where(l => pinned[name].Contains(l.Entry.Vers)).ToList(),
            Read, _ => true, ResolveMode.All, false, false, CancellationToken.None);
    }
}
