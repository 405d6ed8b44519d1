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
    public void A_directory_can_be_flushed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "libc calls are only made on Linux");

        Assert.True(LinuxNative.TryFlushDirectory(_folder));
    }
}
