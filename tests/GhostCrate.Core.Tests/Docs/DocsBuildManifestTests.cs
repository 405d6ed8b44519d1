using GhostCrate.Core.Docs.Build;

namespace GhostCrate.Core.Tests.Docs;

/// <summary>What the builder takes from a packaged Cargo.toml, and the manifests it refuses before `cargo fetch` runs.</summary>
public sealed class DocsBuildManifestTests
{
    private static readonly HashSet<string> Allowed = [DocsBuildManifest.Normalize("sparse+http://127.0.0.1:8000/index/"), DocsBuildManifest.Normalize("https://crates.example.com/index")];

    [Fact]
    public void Docs_rs_metadata_and_registry_dependencies_are_read()
    {
        var (manifest, error) = DocsBuildManifest.Read("""
            [package]
            name = "demo"
            version = "1.0.0"

            [package.metadata.docs.rs]
            features = ["serde", "extra"]
            no-default-features = true
            rustdoc-args = ["--cfg", "demo_docs"]
            rustc-args = ["--cfg", "demo_rustc"]

            [dependencies.private-lib]
            version = "0.1"
            registry-index = "sparse+http://127.0.0.1:8000/index/"

            [dependencies]
            serde = "1"

            [target.'cfg(unix)'.dependencies.other]
            version = "1"
            registry-index = "sparse+https://crates.example.com/index/"
            """, Allowed);
        Assert.Null(error);
        Assert.Equal(["serde", "extra"], manifest!.Features);
        Assert.True(manifest.NoDefaultFeatures);
        Assert.False(manifest.AllFeatures);
        Assert.Equal(["--cfg", "demo_docs"], manifest.RustdocArgs);
        Assert.Equal(["--cfg", "demo_rustc"], manifest.RustcArgs);
        Assert.Equal(new HashSet<string> { "sparse+http://127.0.0.1:8000/index/", "sparse+https://crates.example.com/index/" }, manifest.RegistryIndexes);
    }

    [Fact]
    public void The_default_target_is_read_and_anything_but_a_target_triple_is_refused()
    {
        Assert.Null(DocsBuildManifest.Read("[package]\nname = \"plain\"\nversion = \"0.1.0\"\n", Allowed).Manifest!.DefaultTarget);
        var (manifest, error) = DocsBuildManifest.Read("""
            [package]
            name = "demo"
            version = "1.0.0"

            [package.metadata.docs.rs]
            default-target = "x86_64-unknown-linux-gnu"
            targets = ["aarch64-apple-darwin"]
            """, Allowed);
        Assert.Null(error);
        Assert.Equal("x86_64-unknown-linux-gnu", manifest!.DefaultTarget);
        foreach (var bad in new[] { "\"--config=x\"", "\"../../etc/target.json\"", "\"spec.json\"", "\"\"", "42" })
        {
            var refused = DocsBuildManifest.Read($"[package]\nname = \"demo\"\nversion = \"1.0.0\"\n\n[package.metadata.docs.rs]\ndefault-target = {bad}\n", Allowed);
            Assert.Null(refused.Manifest);
            Assert.Contains("default-target is not a target triple", refused.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_metadata_nothing_is_turned_on()
    {
        var (manifest, error) = DocsBuildManifest.Read("[package]\nname = \"plain\"\nversion = \"0.1.0\"\n", Allowed);
        Assert.Null(error);
        Assert.Empty(manifest!.Features);
        Assert.False(manifest.AllFeatures || manifest.NoDefaultFeatures);
        Assert.Empty(manifest.RustdocArgs);
    }

    [Theory]
    [InlineData("[dependencies.x]\ngit = \"https://example.com/x.git\"\n", "git or path dependency")]
    [InlineData("[dev-dependencies.x]\npath = \"/etc\"\n", "git or path dependency")]
    [InlineData("[build-dependencies.x]\nversion = \"1\"\nregistry-index = \"sparse+https://elsewhere.example/index/\"\n", "https://elsewhere.example/index/")]
    [InlineData("[dependencies.x]\nversion = \"1\"\nregistry = \"other\"\n", "names a registry")]
    [InlineData("[patch.crates-io]\nx = { git = \"https://example.com/x.git\" }\n", "[patch] or [replace]")]
    [InlineData("[package\nname = ", "cannot be read")]
    public void A_manifest_that_could_reach_beyond_this_registry_is_refused(string toml, string reason)
    {
        var (manifest, error) = DocsBuildManifest.Read("[package]\nname = \"bad\"\nversion = \"0.1.0\"\n" + toml, Allowed);
        Assert.Null(manifest);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
