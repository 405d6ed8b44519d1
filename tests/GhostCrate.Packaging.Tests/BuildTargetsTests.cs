namespace GhostCrate.Packaging.Tests;

/// <summary>The edition, library and binaries a valid .crate reveals (what the crate page offers: cargo add or cargo install).</summary>
public class BuildTargetsTests
{
    private static TarballInfo Info(CrateBuilder crate)
    {
        var result = CrateTarballValidatorTests.Validate(crate.Build());
        Assert.True(result.IsValid, result.Error?.Message);
        return result.Info;
    }

    private static CrateBuilder Crate(string manifestExtra, params string[] files)
    {
        var crate = new CrateBuilder().File("demo-1.0.0/Cargo.toml", $"[package]\nname = \"demo\"\nversion = \"1.0.0\"\n{manifestExtra}");
        foreach (var file in files) crate.File("demo-1.0.0/" + file, "fn main() {}\n");
        return crate;
    }

    [Fact]
    public void A_library_has_no_binaries_and_its_edition_is_read()
    {
        var info = Info(CrateBuilder.Valid());

        Assert.Equal("2021", info.Edition);
        Assert.True(info.HasLibrary);
        Assert.Empty(info.Binaries);
    }

    [Fact]
    public void Binaries_are_discovered_from_the_layout_like_cargo_does()
    {
        var info = Info(Crate("edition = \"2024\"\n", "src/main.rs", "src/bin/tool.rs", "src/bin/helper/main.rs", "src/bin/helper/util.rs", "src/bin/notes.txt"));

        Assert.Equal("2024", info.Edition);
        Assert.False(info.HasLibrary);
        Assert.Equal(["demo", "helper", "tool"], info.Binaries.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Declared_targets_count_and_autobins_false_stops_discovery()
    {
        // The shape `cargo package` writes today: every target spelled out, discovery turned off.
        var info = Info(Crate("autobins = false\nautolib = false\n\n[lib]\npath = \"src/lib.rs\"\n\n[[bin]]\nname = \"ghost\"\npath = \"src/main.rs\"\n",
            "src/lib.rs", "src/main.rs", "src/bin/ignored.rs"));

        Assert.True(info.HasLibrary);
        Assert.Equal(["ghost"], info.Binaries);
    }

    [Fact]
    public void No_edition_key_means_2015_and_autolib_false_without_lib_table_is_no_library()
    {
        var info = Info(Crate("autolib = false\n", "src/lib.rs"));

        Assert.Equal("2015", info.Edition);
        Assert.False(info.HasLibrary);
        Assert.Empty(info.Binaries);
    }
}
