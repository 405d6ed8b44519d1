using GhostCrate.Storage.FileSystem;

namespace GhostCrate.Storage.Tests;

/// <summary>
/// The file system store falls back silently when these calls are unavailable, so check here that on Linux they
/// really work; otherwise put-if-absent would quietly lose its atomicity.
/// </summary>
public sealed class LinuxNativeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ghostcrate-native-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Link_creates_the_target_once_and_then_reports_that_it_exists()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "libc calls are only made on Linux");
        var source = Path.Combine(_folder, "source");
        var target = Path.Combine(_folder, "target");
        File.WriteAllBytes(source, [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(_folder, "other"), [9]);

        Assert.Equal(LinkResult.Linked, LinuxNative.TryLink(source, target));
        Assert.Equal(LinkResult.TargetExists, LinuxNative.TryLink(Path.Combine(_folder, "other"), target));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // skipped elsewhere (the first line)
    public void A_backup_copy_takes_no_advisory_lock_creates_only_new_files_and_creates_them_as_dotnet_would()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "libc calls are only made on Linux");
        var source = Path.Combine(_folder, "source");
        File.WriteAllBytes(source, [1, 2, 3]);

        // .NET's own open takes a shared flock on a file it reads, which an exclusive open elsewhere then fails on; the
        // copy's open takes none (nothing else opens a backup's files with .NET's sharing rules).
        using (var input = LocalCopy.OpenSource(source))
        {
            using var exclusive = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.None);
            var target = Path.Combine(_folder, "target");
            var facts = LocalCopy.CopyInto(input, target, CancellationToken.None);
            Assert.Equal((3L, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new byte[] { 1, 2, 3 }))), (facts.Size, facts.Sha256));
            Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
            using (File.OpenHandle(target, FileMode.Open, FileAccess.Read, FileShare.None))
            {
            }

            // The mode .NET gives a new file (0666 less the umask).
            var reference = Path.Combine(_folder, "reference");
            File.OpenHandle(reference, FileMode.CreateNew, FileAccess.Write).Dispose();
            Assert.Equal(File.GetUnixFileMode(reference), File.GetUnixFileMode(target));

            // An existing target is never overwritten; a missing folder or source is reported as .NET reports it.
            Assert.Throws<IOException>(() => LocalCopy.CopyInto(input, reference, CancellationToken.None));
            Assert.Equal(0, new FileInfo(reference).Length);
            Assert.Throws<DirectoryNotFoundException>(() => LocalCopy.CopyInto(input, Path.Combine(_folder, "missing", "target"), CancellationToken.None));
        }
        Assert.Throws<FileNotFoundException>(() => LocalCopy.OpenSource(Path.Combine(_folder, "missing-source")));
    }

    [Fact]
    public void A_directory_can_be_flushed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "libc calls are only made on Linux");

        Assert.True(LinuxNative.TryFlushDirectory(_folder));
    }
}
