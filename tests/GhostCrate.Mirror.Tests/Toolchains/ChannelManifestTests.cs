using System.Security.Cryptography;
using System.Text;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>
/// The real 1.95.0 manifest parsed and filtered. Expected lists were computed independently (Python's tomllib over the
/// same file, applying rustup's rule: a host's profile components as `pkg.rust.target.HOST` lists them). A v2 manifest
/// carries no file sizes, so a selection is pinned by its exact paths and hashes instead.
/// </summary>
public sealed class ChannelManifestTests
{
    private const string Linux = "x86_64-unknown-linux-gnu";

    [Fact]
    public void Parses_the_real_manifest()
    {
        var bytes = RealManifestFixture.Bytes();
        Assert.Equal(RealManifestFixture.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var manifest = ChannelManifest.Parse(bytes);
        Assert.Equal("2026-04-16", manifest.Date);
        Assert.Equal("1.95.0", manifest.RustVersion);
        Assert.Equal(21, manifest.Packages.Count);
        Assert.Equal(32, manifest.Packages["rust"].Targets.Count);
        Assert.Equal(114, manifest.Packages["rust-std"].Targets.Count);
        Assert.Equal("clippy-preview", manifest.Renames["clippy"]);
        Assert.Equal(["rustc", "cargo", "rust-std", "rust-mingw"], manifest.Profiles["minimal"]);
        var src = manifest.Packages["rust-src"].Targets["*"];
        Assert.True(src.Available);
        Assert.Equal(["gz", "xz"], src.Archives.Select(a => a.Format));
        Assert.Equal("https://static.rust-lang.org/dist/2026-04-16/rust-src-1.95.0.tar.xz", src.Archives[1].Url);
        Assert.False(manifest.Packages["miri-preview"].Targets[Linux].Available);
        Assert.Same(bytes, manifest.Bytes);
    }

    [Fact]
    public void Minimal_profile_for_one_linux_host()
    {
        var files = new ToolchainSelection { Hosts = [Linux], Profile = "minimal" }.Select(RealManifestFixture.Parse());
        Assert.Equal(
        [
            ("dist/2026-04-16/cargo-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "47ebc468721a"),
            ("dist/2026-04-16/cargo-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "e74edd2cf7d0"),
            ("dist/2026-04-16/rust-std-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "edbd20f8fc0a"),
            ("dist/2026-04-16/rust-std-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "047ea7098803"),
            ("dist/2026-04-16/rustc-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "fef749c4abb4"),
            ("dist/2026-04-16/rustc-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "8426a3d170a5"),
        ], Short(files));
        Assert.Equal("8426a3d170a5", files.Single(f => f is { Package: "rustc", Format: "xz" }).Sha256[..12]);
    }

    [Fact]
    public void Default_profile_with_rust_src_and_a_cross_target()
    {
        var files = new ToolchainSelection { Hosts = [Linux], Profile = "default", Components = ["rust-src"], CrossTargets = ["wasm32-unknown-unknown"] }
            .Select(RealManifestFixture.Parse());
        Assert.Equal(
        [
            ("dist/2026-04-16/cargo-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "47ebc468721a"),
            ("dist/2026-04-16/cargo-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "e74edd2cf7d0"),
            ("dist/2026-04-16/clippy-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "5230c92fb0ae"),
            ("dist/2026-04-16/clippy-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "ac779bc9839d"),
            ("dist/2026-04-16/rust-docs-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "026de3915db2"),
            ("dist/2026-04-16/rust-docs-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "0f472fe2a1f8"),
            ("dist/2026-04-16/rust-src-1.95.0.tar.gz", "985488155693"),
            ("dist/2026-04-16/rust-src-1.95.0.tar.xz", "67b09138c8db"),
            ("dist/2026-04-16/rust-std-1.95.0-wasm32-unknown-unknown.tar.gz", "e9cef38014dd"),
            ("dist/2026-04-16/rust-std-1.95.0-wasm32-unknown-unknown.tar.xz", "5587b89ff696"),
            ("dist/2026-04-16/rust-std-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "edbd20f8fc0a"),
            ("dist/2026-04-16/rust-std-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "047ea7098803"),
            ("dist/2026-04-16/rustc-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "fef749c4abb4"),
            ("dist/2026-04-16/rustc-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "8426a3d170a5"),
            ("dist/2026-04-16/rustfmt-1.95.0-x86_64-unknown-linux-gnu.tar.gz", "6d3e64adc505"),
            ("dist/2026-04-16/rustfmt-1.95.0-x86_64-unknown-linux-gnu.tar.xz", "f1b2a7301513"),
        ], Short(files));
        // The clippy-preview package ships as clippy-VERSION-TARGET: the path comes from the manifest's URL, not the name.
        Assert.Equal("clippy-preview", files.First(f => f.RelativePath.Contains("/clippy-", StringComparison.Ordinal)).Package);
        Assert.Equal("*", files.First(f => f.Package == "rust-src").Target);
    }

    [Fact]
    public void Windows_gnu_host_gets_rust_mingw_and_an_old_component_name_is_renamed()
    {
        var files = new ToolchainSelection { Hosts = ["x86_64-pc-windows-gnu"], Profile = "minimal", Components = ["clippy"] }.Select(RealManifestFixture.Parse());
        Assert.Equal(
        [
            ("dist/2026-04-16/cargo-1.95.0-x86_64-pc-windows-gnu.tar.gz", "712985621dc0"),
            ("dist/2026-04-16/cargo-1.95.0-x86_64-pc-windows-gnu.tar.xz", "32afca18643e"),
            ("dist/2026-04-16/clippy-1.95.0-x86_64-pc-windows-gnu.tar.gz", "6636a7d87b1d"),
            ("dist/2026-04-16/clippy-1.95.0-x86_64-pc-windows-gnu.tar.xz", "75a28d086510"),
            ("dist/2026-04-16/rust-mingw-1.95.0-x86_64-pc-windows-gnu.tar.gz", "5401f801ac99"),
            ("dist/2026-04-16/rust-mingw-1.95.0-x86_64-pc-windows-gnu.tar.xz", "ac0b67b7ee8a"),
            ("dist/2026-04-16/rust-std-1.95.0-x86_64-pc-windows-gnu.tar.gz", "a547ac6b2643"),
            ("dist/2026-04-16/rust-std-1.95.0-x86_64-pc-windows-gnu.tar.xz", "f57e045016a0"),
            ("dist/2026-04-16/rustc-1.95.0-x86_64-pc-windows-gnu.tar.gz", "719f89a7825f"),
            ("dist/2026-04-16/rustc-1.95.0-x86_64-pc-windows-gnu.tar.xz", "735c4b5c1459"),
        ], Short(files));
    }

    [Fact]
    public void Complete_profile_leaves_out_what_the_release_marks_unavailable()
    {
        var files = new ToolchainSelection { Hosts = [Linux], Profile = "complete" }.Select(RealManifestFixture.Parse());
        Assert.Equal(20, files.Count);
        Assert.Equal(
            ["cargo", "clippy-preview", "llvm-tools-preview", "rust-analysis", "rust-analyzer-preview", "rust-docs", "rust-src", "rust-std", "rustc", "rustfmt-preview"],
            files.Select(f => f.Package).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(files, f => f.Package is "miri-preview" or "rustc-codegen-cranelift-preview");
    }

    [Fact]
    public void Every_host_default_profile()
    {
        var files = new ToolchainSelection { Hosts = ["*"], Profile = "default" }.Select(RealManifestFixture.Parse());
        // 196 package targets; several hosts share one rust-docs archive, so 352 distinct files, not 392.
        Assert.Equal(352, files.Count);
        Assert.All(files, f => Assert.StartsWith("dist/2026-04-16/", f.RelativePath));
        Assert.Equal(files.Count, files.Select(f => f.RelativePath).Distinct().Count());
    }

    [Fact]
    public void One_path_with_two_hashes_is_refused()
    {
        const string toml = """
            manifest-version = "2"
            date = "2026-04-16"
            [pkg.rust.target.x]
            available = true
            url = "https://static.rust-lang.org/dist/2026-04-16/rust-x.tar.gz"
            hash = "1111111111111111111111111111111111111111111111111111111111111111"
            components = [{ pkg = "rustc", target = "x" }, { pkg = "cargo", target = "x" }]
            [pkg.rustc.target.x]
            available = true
            url = "https://static.rust-lang.org/dist/2026-04-16/same.tar.gz"
            hash = "2222222222222222222222222222222222222222222222222222222222222222"
            [pkg.cargo.target.x]
            available = true
            url = "https://static.rust-lang.org/dist/2026-04-16/same.tar.gz"
            hash = "3333333333333333333333333333333333333333333333333333333333333333"
            [profiles]
            minimal = ["rustc", "cargo"]
            """;
        var ex = Assert.Throws<MirrorException>(() => new ToolchainSelection { Hosts = ["x"], Profile = "minimal" }.Select(ChannelManifest.Parse(Encoding.UTF8.GetBytes(toml))));
        Assert.Contains("two different hashes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hosts", "x86_64-unknown-plan9", "not a host")]
    [InlineData("profile", "tiny", "no profile `tiny`")]
    [InlineData("component", "rust-srcc", "no component `rust-srcc`")]
    [InlineData("cross", "wasm64-unknown-unknown", "not a target of rust-std")]
    public void A_typo_in_the_selection_is_an_error_not_an_empty_mirror(string what, string value, string message)
    {
        var selection = what switch
        {
            "hosts" => new ToolchainSelection { Hosts = [value] },
            "profile" => new ToolchainSelection { Hosts = [Linux], Profile = value },
            "component" => new ToolchainSelection { Hosts = [Linux], Components = [value] },
            _ => new ToolchainSelection { Hosts = [Linux], CrossTargets = [value] },
        };
        var ex = Assert.Throws<MirrorException>(() => selection.Select(RealManifestFixture.Parse()));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_input_is_refused_before_parsing()
    {
        var ex = Assert.Throws<MirrorException>(() => ChannelManifest.Parse(new byte[ChannelManifest.MaxBytes + 1]));
        Assert.Contains("above the limit", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manifest-version = \"2\"\ndate = [", "not valid TOML")]
    [InlineData("manifest-version = \"1\"\ndate = \"2026-04-16\"\n[pkg]\n", "only version 2")]
    [InlineData("manifest-version = \"2\"\ndate = \"yesterday\"\n[pkg]\n", "not YYYY-MM-DD")]
    [InlineData("manifest-version = \"2\"\ndate = \"2026-04-16\"\n", "`pkg` is missing")]
    [InlineData("manifest-version = \"2\"\ndate = \"2026-04-16\"\n[pkg.rustc]\nversion = 1\n", "`pkg.rustc.version` is not a string")]
    [InlineData("manifest-version = \"2\"\ndate = \"2026-04-16\"\n[pkg.rustc.target.x]\navailable = true\nurl = \"https://static.rust-lang.org/dist/a\"\nhash = \"XYZ\"\n", "not a lowercase hex SHA-256")]
    [InlineData("manifest-version = \"2\"\ndate = \"2026-04-16\"\n[pkg.\"../etc\"]\nversion = \"1\"\n", "not a safe name")]
    // A key given twice: a lenient reader keeps one of the two hashes, rustup (which refuses the file) neither.
    [InlineData("manifest-version = \"2\"\ndate = \"2026-04-16\"\n[pkg.rustc]\nversion = \"1\"\nversion = \"2\"\n", "not valid TOML")]
    [InlineData("manifest-version = \"2\"\ndate = \"2026-04-16\"\n[pkg.rustc]\nversion = \"1\"\n[pkg.rustc]\nversion = \"1\"\n", "not valid TOML")]
    [InlineData("manifest-version = \"2\"\ndate = \"2026-04-16\"\n[pkg.rustc.target.x.a.b.c.d.e.f]\n", "not valid TOML")]
    public void Malformed_manifests_get_a_clear_error(string toml, string message)
    {
        var ex = Assert.Throws<MirrorException>(() => ChannelManifest.Parse(Encoding.UTF8.GetBytes(toml)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.com/dist/2026-04-16/rustc.tar.gz")]
    [InlineData("https://static.rust-lang.org/dist/../../etc/passwd")]
    [InlineData("https://static.rust-lang.org.evil.example/dist/a.tar.gz")]
    public void Archive_urls_outside_the_official_layout_are_refused(string url)
    {
        Assert.Throws<MirrorException>(() => DistPaths.RelativeFromUrl(url));
    }

    [Theory]
    [InlineData("stable", "stable", null, "dist/channel-rust-stable.toml")]
    [InlineData("1.95", "1.95", null, "dist/channel-rust-1.95.toml")]
    [InlineData("1.95.0", "1.95.0", null, "dist/channel-rust-1.95.0.toml")]
    [InlineData("nightly-2026-04-16", "nightly", "2026-04-16", "dist/2026-04-16/channel-rust-nightly.toml")]
    public void Channel_names(string text, string name, string? date, string path)
    {
        Assert.True(DistPaths.TryParseChannel(text, out var channel));
        Assert.Equal(name, channel.Name);
        Assert.Equal(date, channel.Date);
        Assert.Equal(path, channel.ManifestPath);
    }

    [Theory]
    [InlineData("../stable")]
    [InlineData("stable/../x")]
    [InlineData("1.95.0.1")]
    [InlineData("")]
    public void Bad_channel_names(string text) => Assert.False(DistPaths.TryParseChannel(text, out _));

    private static List<(string, string)> Short(IReadOnlyList<ToolchainFile> files) => files.Select(f => (f.RelativePath, f.Sha256[..12])).ToList();
}
