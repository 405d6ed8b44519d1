using System.Formats.Tar;
using System.Text;

namespace GhostCrate.Packaging.Tests;

/// <summary>Archives built to attack whoever unpacks or trusts them; each must be refused with the right kind.</summary>
public class HostileTarballTests
{
    private static readonly TarballLimits Small = new(MaxUnpackedBytes: 1024 * 1024, MaxEntries: 10);

    private static TarballValidationResult Validate(byte[] crate, TarballLimits? limits = null) =>
        CrateTarballValidatorTests.Validate(crate, limits: limits);

    private static void AssertError(TarballErrorKind kind, TarballValidationResult result, string? messagePart = null)
    {
        Assert.False(result.IsValid, $"expected {kind}, but the crate was accepted");
        Assert.Equal(kind, result.Error.Kind);
        if (messagePart is not null) Assert.Contains(messagePart, result.Error.Message);
    }

    private static CrateBuilder ValidPlus(Func<CrateBuilder, CrateBuilder> add) => add(CrateBuilder.Valid());

    [Theory]
    [InlineData("demo-1.0.0/../evil.rs")]
    [InlineData("demo-1.0.0/src/../../../home/user/.bashrc")]
    [InlineData("demo-1.0.0/..")]
    public void Path_traversal(string path) =>
        AssertError(TarballErrorKind.PathTraversal, Validate(ValidPlus(b => b.File(path, "x")).Build()), "`..`");

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("/demo-1.0.0/src/lib.rs")]
    [InlineData("C:/Windows/evil.dll")]
    public void Absolute_path(string path) =>
        AssertError(TarballErrorKind.AbsolutePath, Validate(ValidPlus(b => b.File(path, "x")).Build()), "absolute path");

    [Theory]
    [InlineData("demo-1.0.0\\..\\evil", "backslash")]
    [InlineData("demo-1.0.0/src\\lib.rs", "backslash")]
    [InlineData("demo-1.0.0/./Cargo.toml", "non-canonical")]
    [InlineData("demo-1.0.0//Cargo.toml", "non-canonical")]
    [InlineData("demo-1.0.0/src/lib.rs:stream", "invalid on Windows")]
    [InlineData("demo-1.0.0/a\u001b[2Jb", "control character")]
    public void Invalid_path(string path, string message) =>
        AssertError(TarballErrorKind.InvalidPath, Validate(ValidPlus(b => b.File(path, "x")).Build()), message);

    [Theory]
    [InlineData("other-1.0.0/src/lib.rs")]
    [InlineData("demo-1.0.1/src/lib.rs")]
    [InlineData("Demo-1.0.0/src/lib.rs")]
    [InlineData("demo-1.0.0")]
    [InlineData("demo-1.0.0.evil/x")]
    [InlineData("x")]
    public void Wrong_prefix(string path) =>
        AssertError(TarballErrorKind.WrongPrefix, Validate(ValidPlus(b => b.File(path, "x")).Build()), "outside the `demo-1.0.0/` directory");

    [Fact]
    public void Wrong_prefix_even_when_every_entry_agrees_on_another_root()
    {
        var crate = CrateBuilder.Valid("demo", "9.9.9").Build();
        AssertError(TarballErrorKind.WrongPrefix, Validate(crate));
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "symbolic link")]
    [InlineData(TarEntryType.HardLink, "hard link")]
    public void Links(TarEntryType type, string described) =>
        AssertError(TarballErrorKind.UnsupportedEntryType,
            Validate(ValidPlus(b => b.Link(type, "demo-1.0.0/src/evil", "/home/user/.ssh/authorized_keys")).Build()),
            described);

    [Fact]
    public void Symlink_that_stays_inside_the_package_is_still_refused() =>
        AssertError(TarballErrorKind.UnsupportedEntryType,
            Validate(ValidPlus(b => b.Link(TarEntryType.SymbolicLink, "demo-1.0.0/alias.rs", "src/lib.rs")).Build()));

    [Theory]
    [InlineData(TarEntryType.Fifo, "fifo")]
    [InlineData(TarEntryType.CharacterDevice, "character device")]
    [InlineData(TarEntryType.BlockDevice, "block device")]
    public void Special_files(TarEntryType type, string described) =>
        AssertError(TarballErrorKind.UnsupportedEntryType, Validate(ValidPlus(b => b.Special(type, "demo-1.0.0/dev")).Build()), described);

    [Fact]
    public void Pax_global_header_is_refused()
    {
        var crate = new CrateBuilder()
            .Entry(_ => new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "hi" }))
            .File("demo-1.0.0/Cargo.toml", CrateBuilder.ManifestText("demo", "1.0.0"))
            .Build(TarEntryFormat.Pax);
        AssertError(TarballErrorKind.UnsupportedEntryType, Validate(crate), "pax global header");
    }

    [Theory]
    [InlineData("Cargo.TOML")]
    [InlineData("cargo.toml")]
    [InlineData("Cargo.toml")]
    public void Two_manifests(string second) =>
        AssertError(TarballErrorKind.DuplicateManifest, Validate(ValidPlus(b => b.File($"demo-1.0.0/{second}", "[package]")).Build()), "more than one manifest");

    [Fact]
    public void Duplicate_file() =>
        AssertError(TarballErrorKind.DuplicateEntry, Validate(ValidPlus(b => b.File("demo-1.0.0/src/lib.rs", "evil twin")).Build()), "more than once");

    [Fact]
    public void Too_many_entries()
    {
        var builder = CrateBuilder.Valid();
        for (var i = 0; i < 7; i++) builder.File($"demo-1.0.0/src/m{i}.rs", "");
        AssertError(TarballErrorKind.TooManyEntries, Validate(builder.Build(), Small), "more than 10 entries");
    }

    [Fact]
    public void Entry_limit_is_inclusive()
    {
        var builder = CrateBuilder.Valid();
        for (var i = 0; i < 6; i++) builder.File($"demo-1.0.0/src/m{i}.rs", "");
        Assert.True(Validate(builder.Build(), Small).IsValid);
    }

    /// <summary>A 600 MB file of zeros gzips to well under 1 MB; it must be refused without inflating it.</summary>
    [Fact]
    public void Decompression_bomb_single_huge_file()
    {
        var crate = Bombs.SingleHugeFile.Value;
        Assert.True(crate.Length < 1024 * 1024, $"bomb is {crate.Length} bytes");
        AssertError(TarballErrorKind.UnpackedSizeExceeded, Validate(crate, Small), "declares 572.2 MiB, more than this registry's unpacked size limit of 1 MiB");
    }

    /// <summary>Many files, each under the limit, together over it: caught by counting inflated bytes as they stream.</summary>
    [Fact]
    public void Decompression_bomb_many_medium_files()
    {
        var builder = CrateBuilder.Valid();
        for (var i = 0; i < 4; i++) builder.File($"demo-1.0.0/data{i}.bin", () => new ZeroStream(400 * 1024));
        AssertError(TarballErrorKind.UnpackedSizeExceeded, Validate(builder.Build(), Small), "unpacks to more than 1 MiB");
    }

    [Fact]
    public void Decompression_bomb_hidden_after_the_end_of_the_archive()
    {
        byte[] tar = [.. CrateBuilder.Valid().BuildTar(), .. new byte[2 * 1024 * 1024]];
        AssertError(TarballErrorKind.UnpackedSizeExceeded, Validate(CrateBuilder.Gzip(tar), Small));
    }

    [Fact]
    public void Unpacked_size_limit_is_inclusive()
    {
        var tar = CrateBuilder.Valid().BuildTar();
        Assert.True(Validate(CrateBuilder.Gzip(tar), new TarballLimits(tar.Length, 10)).IsValid);
        AssertError(TarballErrorKind.UnpackedSizeExceeded, Validate(CrateBuilder.Gzip(tar), new TarballLimits(tar.Length - 1, 10)));
    }

    /// <summary>
    /// TarReader allocates the declared size of a pax or GNU long-name header up front; a tiny crate
    /// declaring 1 GiB of pax data would make it allocate 1 GiB.
    /// </summary>
    [Theory]
    [InlineData('x')]
    [InlineData('L')]
    public void Huge_metadata_header_is_refused_before_tar_reader_allocates_it(char type)
    {
        byte[] tar = [.. RawTar.Header("demo-1.0.0/meta", type, 1L << 30), .. new byte[4096], .. RawTar.EndOfArchive];
        var crate = CrateBuilder.Gzip(tar);
        var before = GC.GetAllocatedBytesForCurrentThread();
        AssertError(TarballErrorKind.CorruptTar, Validate(crate), "tar metadata header of 1 GiB");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024 * 1024, "the validator allocated the declared size");
    }

    /// <summary>
    /// A pax `size` record makes the next entry's data longer than its header says. A guard that ignored
    /// it would read the file's data as headers and could be steered to skip the huge header that follows.
    /// </summary>
    [Fact]
    public void Pax_size_override_cannot_smuggle_a_header_past_the_guard()
    {
        var pax = RawTar.PaxRecord("size", "1024");
        byte[] data = [.. RawTar.Header("demo-1.0.0/decoy", '0', 1024), .. new byte[512]]; // a naive guard would skip 1024 bytes after this "header"
        byte[] tar =
        [
            .. RawTar.Header("PaxHeaders/f", 'x', pax.Length), .. RawTar.Padded(pax),
            .. RawTar.Header("demo-1.0.0/f", '0', 0), .. data,
            .. RawTar.Header("demo-1.0.0/evil", 'L', 1L << 30), .. new byte[1024],
            .. RawTar.EndOfArchive,
        ];
        var before = GC.GetAllocatedBytesForCurrentThread();
        AssertError(TarballErrorKind.CorruptTar, Validate(CrateBuilder.Gzip(tar)), "tar metadata header");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024 * 1024, "the validator allocated the declared size");
    }

    [Fact]
    public void Truncated_gzip()
    {
        var crate = CrateBuilder.Valid().Build();
        AssertError(TarballErrorKind.CorruptGzip, Validate(crate[..(crate.Length / 2)]), "truncated or corrupt");
        AssertError(TarballErrorKind.CorruptGzip, Validate(crate[..^4]));
        AssertError(TarballErrorKind.CorruptGzip, Validate(crate[..^1]));
    }

    [Fact]
    public void Gzip_checksum_mismatch()
    {
        var crate = CrateBuilder.Valid().Build();
        crate[^8] ^= 0xFF;
        AssertError(TarballErrorKind.CorruptGzip, Validate(crate));
    }

    [Fact]
    public void Trailing_garbage_after_the_gzip_member()
    {
        byte[] crate = [.. CrateBuilder.Valid().Build(), .. "garbage!"u8];
        AssertError(TarballErrorKind.CorruptGzip, Validate(crate));
    }

    [Fact]
    public void Not_gzip()
    {
        AssertError(TarballErrorKind.NotGzip, Validate(CrateBuilder.Valid().BuildTar()), "not gzip-compressed");
        AssertError(TarballErrorKind.NotGzip, Validate(Encoding.ASCII.GetBytes("PK\u0003\u0004 this is a zip file, honest")));
        AssertError(TarballErrorKind.NotGzip, Validate([]));
        AssertError(TarballErrorKind.NotGzip, Validate([0x1F, 0x8B]));
    }

    [Fact]
    public void Gzip_of_something_that_is_not_tar()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("this is not a tar archive. ", 100)));
        AssertError(TarballErrorKind.CorruptTar, Validate(CrateBuilder.Gzip(text)));
    }

    [Fact]
    public void Tar_cut_short_inside_gzip_that_is_itself_intact()
    {
        var tar = CrateBuilder.Valid().BuildTar();
        AssertError(TarballErrorKind.CorruptTar, Validate(CrateBuilder.Gzip(tar[..700])));
    }

    [Fact]
    public void Tar_header_with_bad_checksum()
    {
        var tar = CrateBuilder.Valid().BuildTar();
        tar[0] ^= 0x01; // first entry's name changes, its stored checksum no longer matches
        AssertError(TarballErrorKind.CorruptTar, Validate(CrateBuilder.Gzip(tar)));
    }

    private static class Bombs
    {
        /// <summary>Cargo.toml plus a 600 MB file of zeros, streamed straight into gzip (about 600 KB out).</summary>
        public static readonly Lazy<byte[]> SingleHugeFile = new(() =>
        {
            const long size = 600_000_000;
            var output = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            {
                var manifest = Encoding.UTF8.GetBytes(CrateBuilder.ManifestText("demo", "1.0.0"));
                gzip.Write(RawTar.Header("demo-1.0.0/Cargo.toml", '0', manifest.Length));
                gzip.Write(RawTar.Padded(manifest));
                gzip.Write(RawTar.Header("demo-1.0.0/zeros.bin", '0', size));
                var zeros = new byte[1024 * 1024];
                for (var written = 0L; written < size; written += zeros.Length)
                    gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, size - written));
                gzip.Write(new byte[(512 - size % 512) % 512]);
                gzip.Write(RawTar.EndOfArchive);
            }
            return output.ToArray();
        });
    }
}
