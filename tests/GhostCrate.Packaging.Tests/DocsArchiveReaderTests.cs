using System.IO.Compression;
using System.Text;
using GhostCrate.Packaging.Docs;
using GhostCrate.Testing;

namespace GhostCrate.Packaging.Tests;

public class DocsArchiveReaderTests
{
    private static readonly DocsArchiveLimits Limits = new(MaxUnpackedBytes: 256 * 1024, MaxEntries: 50, MaxPathBytes: 100);

    public static TheoryData<string> Formats => ["zip", "tar.gz"];

    private static byte[] Pack(DocsArchiveBuilder builder, string format) => format == "zip" ? builder.Zip() : builder.TarGz();

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_rustdoc_tree_is_accepted_with_the_doc_folder_removed_and_its_files_read_back(string format)
    {
        var archive = Pack(DocsArchiveBuilder.Rustdoc("my-lib").Directory("doc/my_lib/"), format);
        var scan = DocsArchiveReader.Scan(archive, Limits);
        Assert.True(scan.IsValid, scan.Error?.Message);
        Assert.Equal(format == "zip" ? DocsArchiveFormat.Zip : DocsArchiveFormat.TarGzip, scan.Format);
        Assert.Equal("doc/", scan.StrippedPrefix);
        Assert.Contains(scan.Files, f => f.Path == "my_lib/index.html");
        var read = DocsArchiveReader.ReadFiles(archive, scan).ToDictionary(f => f.File.Path, f => new StreamReader(f.Content).ReadToEnd());
        Assert.Equal(scan.Files.Select(f => f.Path).Order(), read.Keys.Order());
        Assert.Equal("window.loaded = true;", read["static.files/main.js"]);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Dot_slash_names_of_tar_dash_C_are_accepted(string format)
    {
        var scan = DocsArchiveReader.Scan(Pack(DocsArchiveBuilder.Rustdoc("x", prefix: "./").Directory("./"), format), Limits);
        Assert.True(scan.IsValid, scan.Error?.Message);
        Assert.Contains(scan.Files, f => f.Path == "x/index.html");
    }

    public static TheoryData<string, string, TarballErrorKind> Hostile => new()
    {
        { "zip", "zip slip", TarballErrorKind.PathTraversal },
        { "tar.gz", "zip slip", TarballErrorKind.PathTraversal },
        { "zip", "absolute", TarballErrorKind.AbsolutePath },
        { "tar.gz", "absolute", TarballErrorKind.AbsolutePath },
        { "zip", "symlink", TarballErrorKind.UnsupportedEntryType },
        { "tar.gz", "symlink", TarballErrorKind.UnsupportedEntryType },
        { "tar.gz", "hard link", TarballErrorKind.UnsupportedEntryType },
        { "zip", "fifo", TarballErrorKind.UnsupportedEntryType },
        { "tar.gz", "fifo", TarballErrorKind.UnsupportedEntryType },
        { "zip", "char device", TarballErrorKind.UnsupportedEntryType },
        { "tar.gz", "char device", TarballErrorKind.UnsupportedEntryType },
        { "zip", "block device", TarballErrorKind.UnsupportedEntryType },
        { "tar.gz", "block device", TarballErrorKind.UnsupportedEntryType },
        { "zip", "backslash", TarballErrorKind.InvalidPath },
        { "tar.gz", "long path", TarballErrorKind.PathTooLong },
        { "zip", "long path", TarballErrorKind.PathTooLong },
        { "zip", "too many", TarballErrorKind.TooManyEntries },
        { "tar.gz", "too many", TarballErrorKind.TooManyEntries },
        { "zip", "oversize", TarballErrorKind.UnpackedSizeExceeded },
        { "tar.gz", "oversize", TarballErrorKind.UnpackedSizeExceeded },
        { "zip", "duplicate", TarballErrorKind.DuplicateEntry },
        { "tar.gz", "file and folder", TarballErrorKind.DuplicateEntry },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_archives_are_refused_with_the_reason(string format, string attack, TarballErrorKind expected)
    {
        var builder = DocsArchiveBuilder.Rustdoc("x");
        switch (attack)
        {
            case "zip slip": builder.File("doc/../../../etc/cron.d/evil", "x"); break;
            case "absolute": builder.File("/etc/passwd", "x"); break;
            case "symlink": builder.Symlink("doc/x/secret.html", "/etc/shadow"); break;
            case "hard link": builder.HardLink("doc/x/secret.html", "/etc/shadow"); break;
            case "fifo": builder.Fifo("doc/x/pipe"); break;
            case "char device": builder.Device("doc/x/null.html"); break;
            case "block device": builder.Device("doc/x/sda.html", block: true); break;
            case "backslash": builder.File("doc\\..\\evil.html", "x"); break;
            case "long path": builder.File("doc/x/" + new string('a', 120) + ".html", "x"); break;
            case "too many": for (var i = 0; i < 60; i++) builder.File($"doc/x/f{i}.html", ""); break;
            case "oversize": builder.File("doc/x/big.bin", new byte[300 * 1024]); break;
            case "duplicate": builder.File("doc/x/index.html", "again"); break;
            case "file and folder": builder.File("doc/x/index.html/inner", "x"); break;
        }
        var scan = DocsArchiveReader.Scan(Pack(builder, format), Limits);
        Assert.False(scan.IsValid, $"{format} {attack} was accepted");
        Assert.Equal(expected, scan.Error!.Kind);
        Assert.StartsWith("the documentation archive", scan.Error.Message);
    }

    [Fact]
    public void A_zip_whose_entries_inflate_past_the_limit_is_refused_without_inflating_it_all()
    {
        // 100 MB of zeros compress to ~100 KB: the scan stops at the limit.
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        using (var stream = zip.CreateEntry("doc/x/bomb.html", CompressionLevel.SmallestSize).Open())
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 100; i++) stream.Write(zeros);
        }
        var scan = DocsArchiveReader.Scan(output.ToArray(), Limits);
        Assert.Equal(TarballErrorKind.UnpackedSizeExceeded, scan.Error?.Kind);
    }

    [Fact]
    public void Anything_else_is_refused_as_an_unknown_format()
    {
        var scan = DocsArchiveReader.Scan(Encoding.UTF8.GetBytes("<html>not an archive</html>"), Limits);
        Assert.Equal(TarballErrorKind.UnknownFormat, scan.Error?.Kind);
        Assert.Contains("zip", scan.Error!.Message);
    }

    [Fact]
    public void A_truncated_tar_gz_is_refused()
    {
        var archive = DocsArchiveBuilder.Rustdoc("x").TarGz();
        var scan = DocsArchiveReader.Scan(archive.AsMemory(0, archive.Length - 20), Limits);
        Assert.False(scan.IsValid);
    }
}
