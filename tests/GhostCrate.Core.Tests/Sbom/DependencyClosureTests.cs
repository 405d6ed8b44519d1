using GhostCrate.Core.Sbom;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Core.Tests.Sbom;

/// <summary>
/// The closure's resolution and feature rules (https://doc.rust-lang.org/cargo/reference/features.html) on index
/// entries held in memory; the server-side tests (Web.Tests/Sbom) run the same code on stored index files.
/// </summary>
public class DependencyClosureTests
{
    private static readonly SbomRegistry Registry = new(SbomIndexSource.PrivateKey, null, true);

    private sealed class MemoryIndex(params IndexEntry[] entries) : ISbomIndexSource
    {
        public Task<IReadOnlyList<IndexEntry>?> EntriesAsync(SbomRegistry registry, string name, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<IndexEntry>?>(entries.Where(e => e.Name == name).ToList() is { Count: > 0 } found ? found : null);

        public SbomRegistry RegistryOf(string? registryField, SbomRegistry declaringRegistry) =>
            registryField is null ? declaringRegistry : new SbomRegistry(registryField, registryField, false, "not read in this test");

        public ValueTask<bool> CanReadAsync(SbomRegistry registry, string name, CancellationToken cancellationToken) => ValueTask.FromResult(name != "secret");
    }

    private static IndexEntry Entry(string name, string version, IndexDependency[]? deps = null, Dictionary<string, IReadOnlyList<string>>? features = null, bool yanked = false) =>
        new() { Name = name, Vers = version, Deps = deps ?? [], Features = features ?? [], Yanked = yanked, Cksum = new string('0', 64) };

    private static IndexDependency Dep(string name, string req = "1", bool optional = false, bool defaultFeatures = true, string kind = "normal", string[]? features = null, string? registry = null) =>
        new() { Name = name, Req = req, Optional = optional, DefaultFeatures = defaultFeatures, Kind = kind, Features = features ?? [], Registry = registry };

    private static async Task<Dictionary<string, ClosureNode>> ResolveAsync(IndexEntry root, params IndexEntry[] index)
    {
        var result = await new DependencyClosure(new MemoryIndex(index)).ResolveAsync(Registry, root, CancellationToken.None);
        Assert.Null(result.Error);
        return result.Nodes.ToDictionary(n => n.Entry is null ? n.Name : $"{n.Name}@{n.Entry.Vers}");
    }

    [Fact]
    public async Task Features_turn_on_exactly_the_optional_dependencies_they_name()
    {
        var root = Entry("root", "1.0.0",
            [Dep("a", optional: true), Dep("b", optional: true), Dep("c", defaultFeatures: false), Dep("d", optional: true)],
            new() { ["default"] = ["a/fx", "b?/fy"], ["extra"] = ["dep:d"] });
        var nodes = await ResolveAsync(root,
            Entry("a", "1.0.0", [Dep("e", optional: true)], new() { ["fx"] = ["e"] }),
            Entry("b", "1.0.0"),
            Entry("c", "1.0.0", [Dep("g", optional: true)], new() { ["default"] = ["g"] }),
            Entry("d", "1.0.0"), Entry("e", "1.0.0"), Entry("g", "1.0.0"));

        // a: `a/fx` enables it and its feature fx, whose implicit feature `e` enables a's optional e. b: `b?/fy` is
        // weak. c: non-optional, with its default features off, so not g. d: only the non-default `extra` names it.
        Assert.Equal(["a@1.0.0", "c@1.0.0", "e@1.0.0"], nodes.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Requirements_resolve_to_the_newest_non_yanked_match_and_dev_dependencies_are_left_out()
    {
        var root = Entry("root", "1.0.0", [Dep("lib", "^1.2"), Dep("tool", kind: "build"), Dep("tests", kind: "dev"), Dep("remote", registry: "https://elsewhere.example/index"), Dep("secret")]);
        var nodes = await ResolveAsync(root,
            Entry("lib", "1.1.0"), Entry("lib", "1.3.0"), Entry("lib", "1.4.0", yanked: true), Entry("lib", "2.0.0"), Entry("lib", "1.5.0-beta.1"),
            Entry("tool", "1.0.0", [Dep("lib", "=1.1.0")]), Entry("tests", "1.0.0"), Entry("secret", "1.0.0"));

        Assert.Equal(SbomScope.Normal, nodes["lib@1.3.0"].Scope);
        // Only the build dependency reaches lib 1.1.0: build scope, like the tool itself.
        Assert.Equal(SbomScope.Build, nodes["tool@1.0.0"].Scope);
        Assert.Equal(SbomScope.Build, nodes["lib@1.1.0"].Scope);
        Assert.DoesNotContain(nodes.Keys, k => k.StartsWith("tests", StringComparison.Ordinal));
        // Another registry's index is not read, and a crate the caller may not read is not resolved: both unresolved.
        Assert.Equal(("1", "not read in this test"), (nodes["remote"].Requirement, nodes["remote"].Note));
        Assert.Equal("not visible to this caller", nodes["secret"].Note);
    }

    [Fact]
    public async Task A_package_reached_at_run_time_is_not_build_only_even_when_a_build_dependency_reached_it_first()
    {
        var root = Entry("root", "1.0.0", [Dep("tool", kind: "build"), Dep("mid")]);
        var nodes = await ResolveAsync(root,
            Entry("tool", "1.0.0", [Dep("shared")]), Entry("mid", "1.0.0", [Dep("deep")]), Entry("deep", "1.0.0", [Dep("shared")]), Entry("shared", "1.0.0"));
        Assert.Equal(SbomScope.Build, nodes["tool@1.0.0"].Scope);
        Assert.Equal(SbomScope.Normal, nodes["shared@1.0.0"].Scope);
    }

    [Theory]
    [InlineData("serde", "1.0.0", null, "pkg:cargo/serde@1.0.0")]
    [InlineData("my_crate", "1.0.0+build.5", null, "pkg:cargo/my_crate@1.0.0%2Bbuild.5")]
    [InlineData("acme", "0.1.0", "sparse+https://crates.example.com/index/", "pkg:cargo/acme@0.1.0?repository_url=sparse%2Bhttps%3A%2F%2Fcrates.example.com%2Findex%2F")]
    public void Purls_follow_the_purl_spec(string name, string version, string? repository, string expected) =>
        Assert.Equal(expected, SbomPurl.Cargo(name, version, repository));

    [Theory]
    [InlineData("MIT/Apache-2.0", "MIT OR Apache-2.0")]
    [InlineData("MIT OR Apache-2.0", "MIT OR Apache-2.0")]
    [InlineData("GPL-3.0+", "GPL-3.0+")]
    [InlineData("see LICENSE.txt, thanks!", null)]
    [InlineData(null, null)]
    public void Licences_are_written_as_SPDX_expressions_or_not_at_all(string? license, string? expected) =>
        Assert.Equal(expected, SbomLicenses.Expression(license));
}
