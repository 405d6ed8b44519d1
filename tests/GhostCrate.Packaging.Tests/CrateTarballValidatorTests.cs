using System.Formats.Tar;
using System.Text;

namespace GhostCrate.Packaging.Tests;

/// <summary>Well-formed crates, manifest checks and readme extraction.</summary>
public class CrateTarballValidatorTests
{
    internal static readonly TarballLimits Limits = new(MaxUnpackedBytes: 8 * 1024 * 1024, MaxEntries: 100);

    internal static TarballValidationResult Validate(byte[] crate, string name = "demo", string version = "1.0.0", TarballLimits? limits = null) =>
        CrateTarballValidator.Validate(crate, name, version, limits ?? Limits);

    private static TarballInfo AssertValid(TarballValidationResult result)
    {
        Assert.True(result.IsValid, result.Error?.Message);
        Assert.Null(result.Error);
        return result.Info;
    }

    private static void AssertError(TarballErrorKind kind, TarballValidationResult result, string? messagePart = null)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Info);
        Assert.Equal(kind, result.Error.Kind);
        if (messagePart is not null) Assert.Contains(messagePart, result.Error.Message);
    }

    [Theory]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Ustar)]
    public void Accepts_a_valid_crate(TarEntryFormat format)
    {
        var crate = CrateBuilder.Valid().Build(format);
        var info = AssertValid(Validate(crate));
        Assert.Equal("demo", info.ManifestName);
        Assert.Equal("1.0.0", info.ManifestVersion);
        Assert.Equal("# Demo\n", info.Readme);
        Assert.Equal(4, info.EntryCount);
        Assert.Equal(CrateBuilder.Valid().BuildTar(format).Length, info.UnpackedSize);
    }

    [Fact]
    public void Validating_a_small_crate_allocates_for_its_size_not_for_the_caps()
    {
        // The manifest and README caps are 4 MB and 1 MB; a buffer of the cap per publish filled the large-object heap.
        var crate = CrateBuilder.Valid().Build();
        AssertValid(Validate(crate)); // warm up (first-use allocations of the runtime and of static state)

        var before = GC.GetAllocatedBytesForCurrentThread();
        var info = AssertValid(Validate(crate));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("# Demo\n", info.Readme);
        Assert.True(allocated < 512 * 1024, $"validating a {crate.Length}-byte crate allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Accepts_directories_long_names_and_prerelease_build_versions()
    {
        var longPath = "demo-1.0.0-rc.1+build.7/" + string.Join('/', Enumerable.Repeat("nested-directory", 12)) + "/file.rs";
        var crate = new CrateBuilder()
            .Directory("demo-1.0.0-rc.1+build.7/")
            .File("demo-1.0.0-rc.1+build.7/Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0-rc.1+build.7"))
            .Directory("demo-1.0.0-rc.1+build.7/src/")
            .File(longPath, "// deep\n")
            .Build();
        var info = AssertValid(Validate(crate, version: "1.0.0-rc.1+build.7"));
        Assert.Null(info.Readme);
        Assert.Equal(4, info.EntryCount);
    }

    [Fact]
    public void Accepts_files_that_merely_look_like_manifests_elsewhere()
    {
        var crate = CrateBuilder.Valid().File("demo-1.0.0/tests/fixture/Cargo.toml", "not even toml").Build();
        AssertValid(Validate(crate));
    }

    [Fact]
    public void Wrong_name_in_cargo_toml()
    {
        var crate = new CrateBuilder().File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("other", "1.0.0")).Build();
        AssertError(TarballErrorKind.NameMismatch, Validate(crate), "names the package `other`, but the upload is for `demo`");
    }

    [Fact]
    public void Name_comparison_is_exact()
    {
        var crate = new CrateBuilder().File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("Demo", "1.0.0")).Build();
        AssertError(TarballErrorKind.NameMismatch, Validate(crate));
    }

    [Theory]
    [InlineData("1.0.1")]
    [InlineData("1.0.0+build")]
    [InlineData("1.0")]
    public void Wrong_version_in_cargo_toml(string manifestVersion)
    {
        var crate = new CrateBuilder().File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("demo", manifestVersion)).Build();
        AssertError(TarballErrorKind.VersionMismatch, Validate(crate), $"has version `{manifestVersion}`");
    }

    [Fact]
    public void Missing_cargo_toml()
    {
        var crate = new CrateBuilder().File("demo-1.0.0/src/lib.rs", "").File("demo-1.0.0/sub/Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0")).Build();
        AssertError(TarballErrorKind.MissingManifest, Validate(crate), "has no `demo-1.0.0/Cargo.toml`");
    }

    [Fact]
    public void Empty_archive_has_no_manifest() =>
        AssertError(TarballErrorKind.MissingManifest, Validate(CrateBuilder.Gzip(RawTar.EndOfArchive)));

    [Fact]
    public void Manifest_in_the_wrong_case_only()
    {
        var crate = new CrateBuilder().File("demo-1.0.0/CARGO.TOML", CrateBuilder.ManifestText("demo", "1.0.0")).Build();
        AssertError(TarballErrorKind.MissingManifest, Validate(crate), "must be named exactly `Cargo.toml`");
    }

    [Theory]
    [InlineData("[package\nname = \"demo\"", "not valid TOML: line 1")]
    [InlineData("[dependencies]\nserde = \"1\"", "no `[package]` section")]
    [InlineData("[package]\nversion = \"1.0.0\"", "no `package.name` string")]
    [InlineData("[package]\nname = \"demo\"\nversion.workspace = true", "no `package.version` string")]
    public void Invalid_manifest(string manifest, string message)
    {
        var crate = new CrateBuilder().File("demo-1.0.0/Cargo.toml", manifest).Build();
        AssertError(TarballErrorKind.InvalidManifest, Validate(crate), message);
    }

    [Fact]
    public void Manifest_that_is_not_utf8()
    {
        byte[] manifest = [.. Encoding.UTF8.GetBytes(CrateBuilder.ManifestText("demo", "1.0.0")), .. new byte[] { 0x23, 0x20, 0xFF, 0xFE, 0x0A }];
        var crate = new CrateBuilder().File("demo-1.0.0/Cargo.toml", manifest).Build();
        AssertError(TarballErrorKind.InvalidManifest, Validate(crate), "not valid UTF-8");
    }

    [Fact]
    public void Readme_from_custom_path()
    {
        var crate = new CrateBuilder()
            .File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0", "readme = \"docs/guide.md\"\n"))
            .File("demo-1.0.0/README.md", "the default one")
            .File("demo-1.0.0/docs/guide.md", "the custom one")
            .Build();
        Assert.Equal("the custom one", AssertValid(Validate(crate)).Readme);
    }

    [Fact]
    public void Readme_stored_before_the_manifest_is_still_found()
    {
        // `cargo package` sorts paths, so `API.md` precedes `Cargo.toml`: the readme path is unknown when it streams past.
        var crate = new CrateBuilder()
            .File("demo-1.0.0/API.md", "api docs as readme")
            .File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0", "readme = \"./API.md\"\n"))
            .Build();
        Assert.Equal("api docs as readme", AssertValid(Validate(crate)).Readme);
    }

    [Fact]
    public void Readme_falls_back_to_readme_md()
    {
        var crate = new CrateBuilder()
            .File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0"))
            .File("demo-1.0.0/README.md", "fallback")
            .Build();
        Assert.Equal("fallback", AssertValid(Validate(crate)).Readme);
    }

    [Theory]
    [InlineData("readme = false\n")]
    [InlineData("readme = \"docs/missing.md\"\n")]
    [InlineData("readme = \"../README.md\"\n")]
    public void No_readme_when_disabled_or_absent(string readmeLine)
    {
        var crate = new CrateBuilder()
            .File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0", readmeLine))
            .File("demo-1.0.0/README.md", "exists but not chosen")
            .Build();
        Assert.Null(AssertValid(Validate(crate)).Readme);
    }

    [Fact]
    public void Readme_is_capped_at_one_mebibyte_without_splitting_a_character()
    {
        // 'é' is 2 bytes: one leading 'a' makes the 1 MiB cap fall in the middle of a character.
        var readme = "a" + string.Concat(Enumerable.Repeat("é", 600_000));
        var crate = new CrateBuilder()
            .File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0"))
            .File("demo-1.0.0/README.md", readme)
            .Build();
        var text = AssertValid(Validate(crate)).Readme!;
        Assert.Equal(1024 * 1024 - 1, Encoding.UTF8.GetByteCount(text));
        Assert.DoesNotContain('\uFFFD', text);
        Assert.StartsWith("aéé", text);
    }
}
