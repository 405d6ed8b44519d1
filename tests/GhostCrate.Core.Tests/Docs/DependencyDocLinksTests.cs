using GhostCrate.Core.Options;
using GhostCrate.Core.Docs.Build;

namespace GhostCrate.Core.Tests.Docs;

/// <summary>Which docs a build's dependencies link to, read from `cargo metadata` (its format: https://doc.rust-lang.org/cargo/commands/cargo-metadata.html).</summary>
public sealed class DependencyDocLinksTests
{
    private const string Local = "sparse+http://127.0.0.1:8000/index/";
    private const string CratesIo = "registry+https://github.com/rust-lang/crates.io-index";

    private static string Package(string name, string version, string? source, string kind = "lib", string? library = null) =>
        $$"""{"name":"{{name}}","version":"{{version}}","id":"{{Id(name, version)}}","source":{{(source is null ? "null" : $"\"{source}\"")}},"targets":[{"name":"{{library ?? name}}","kind":["{{kind}}"]},{"name":"build-script-build","kind":["custom-build"]}]}""";

    private static string Id(string name, string version) => $"{name}@{version}";

    private static string Metadata(string root, IEnumerable<string> packages, IEnumerable<string> rootDeps) =>
        $$"""{"packages":[{{string.Join(',', packages)}}],"resolve":{"root":"{{root}}","nodes":[{"id":"{{root}}","deps":[{{string.Join(',', rootDeps.Select(d => $"{{\"name\":\"x\",\"pkg\":\"{d}\"}}"))}}]}]},"version":1}""";

    [Fact]
    public void Registry_crates_link_to_this_registrys_docs_and_crates_io_crates_to_docs_rs()
    {
        var json = Metadata(Id("my-app", "1.0.0"),
            [Package("my-app", "1.0.0", null), Package("private-dep", "0.3.1", Local), Package("serde", "1.0.200", CratesIo), Package("serde_derive", "1.0.200", "sparse+https://index.crates.io/", "proc-macro"), Package("renamed-lib", "2.0.0", Local, library: "other_name")],
            [Id("private-dep", "0.3.1"), Id("serde", "1.0.200")]);

        var links = DependencyDocLinks.FromMetadata(json, "https://docs.rs");

        Assert.Equal("my_app", links.RootCrate);
        Assert.Equal("/docs/private-dep/0.3.1/", links.ByCrate["private_dep"]);
        Assert.Equal("https://docs.rs/serde/1.0.200/", links.ByCrate["serde"]);
        Assert.Equal("https://docs.rs/serde_derive/1.0.200/", links.ByCrate["serde_derive"]);
        // rustdoc knows a crate by its library's name, not its package's.
        Assert.Equal("/docs/renamed-lib/2.0.0/", links.ByCrate["other_name"]);
        Assert.Equal(4, links.ByCrate.Count);
    }

    [Fact]
    public void An_air_gapped_site_links_crates_io_crates_nowhere_or_to_its_own_docs_site_and_registry_crates_still_here()
    {
        var json = Metadata(Id("app", "1.0.0"),
            [Package("app", "1.0.0", null), Package("private-dep", "0.3.1", Local), Package("serde", "1.0.200", CratesIo)],
            [Id("private-dep", "0.3.1"), Id("serde", "1.0.200")]);

        var off = DependencyDocLinks.FromMetadata(json, new DocsBuildOptions { CratesIoDocsUrl = "none" }.CratesIoDocsBase());
        Assert.Equal("/docs/private-dep/0.3.1/", off.ByCrate["private_dep"]);
        Assert.False(off.ByCrate.ContainsKey("serde"));
        Assert.Null(new DocsBuildOptions { CratesIoDocsUrl = "" }.CratesIoDocsBase());

        var own = DependencyDocLinks.FromMetadata(json, new DocsBuildOptions { CratesIoDocsUrl = "https://rustdocs.internal.example/" }.CratesIoDocsBase());
        Assert.Equal("https://rustdocs.internal.example/serde/1.0.200/", own.ByCrate["serde"]);
    }

    [Fact]
    public void Of_two_versions_of_one_crate_the_roots_own_dependency_is_linked_and_otherwise_neither()
    {
        var json = Metadata(Id("app", "0.1.0"),
            [Package("app", "0.1.0", null), Package("rand", "0.8.5", CratesIo), Package("rand", "0.9.0", CratesIo), Package("log", "0.4.0", CratesIo), Package("log", "0.3.9", CratesIo)],
            [Id("rand", "0.9.0")]);

        var links = DependencyDocLinks.FromMetadata(json, "https://docs.rs");

        Assert.Equal("https://docs.rs/rand/0.9.0/", links.ByCrate["rand"]);
        Assert.False(links.ByCrate.ContainsKey("log"));
    }

    [Fact]
    public void The_sandbox_mounts_rustups_home_and_the_folders_of_cargo_and_of_what_it_links_to()
    {
        var root = Directory.CreateTempSubdirectory("gc-toolchain").FullName;
        try
        {
            var rustup = Directory.CreateDirectory(Path.Combine(root, "rustup")).FullName;
            var bin = Directory.CreateDirectory(Path.Combine(root, "cargo-bin")).FullName;
            var real = Directory.CreateDirectory(Path.Combine(root, "real")).FullName;
            File.WriteAllText(Path.Combine(real, "rustup"), "");
            File.CreateSymbolicLink(Path.Combine(bin, "cargo"), Path.Combine(real, "rustup"));

            Assert.Equal([rustup, bin, real], FileSystemSandbox.ToolchainPaths("cargo", rustup, $"/nonexistent:{bin}"));
            Assert.Equal([bin, real], FileSystemSandbox.ToolchainPaths(Path.Combine(bin, "cargo"), Path.Combine(root, "missing"), null));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
